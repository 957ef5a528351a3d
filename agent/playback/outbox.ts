// The proof-of-play outbox (architecture notes, "Wire contract": QoS 1 PUBACK only means the
// broker got it; proof is safe only once the controller acknowledges what it committed).
// One append-only file of JSON lines: a header `{"outbox":1,"acked":N}` — every sequence up to N
// is committed at the controller — then one event per line, numbered N+1, N+2, … without gaps.
//
// Guarantees:
// - An event is on disk (write + fdatasync) before append() resolves, and only then is it
//   published; appends arriving together share one fdatasync (group commit, group-commit.ts).
// - A torn or garbled tail (power cut mid-write) is detected at open — a line is complete only
//   when it ends in "\n", parses, fits the contract and continues the sequence — and cut off;
//   everything before it is kept. Sequences continue after the last complete event, across restarts.
// - Acknowledged events are dropped by rewriting the file (temp + fsync + rename): a crash leaves
//   either the old file or the new one. Re-sending an event the controller already has is harmless
//   (it is idempotent by device + sequence).
import { type FileHandle, open, readdir, readFile, rm, truncate } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../platform/logger.js';
import { decode, validate } from '../../shared/decode.js';
import { type DeviceEvent, PAYLOAD_VERSION } from '../../shared/payloads.js';
import type { Clock, TimerHandle } from '../clock.js';
import { isTempName, writeFileAtomic } from './atomic-file.js';
import { appendDurably, GroupCommit } from './group-commit.js';

export type NewEvent = Omit<DeviceEvent, 'seq' | 'ts'> & { ts?: number };
type Pending = { event: NewEvent; resolve: (e: DeviceEvent) => void; reject: (err: unknown) => void };

const FILE = 'events.log';
/** Rewrite at once when this many acknowledged events still sit in the file. */
const COMPACT_AFTER_EVENTS = 500;
/**
 * Otherwise rewrite this long after the last acknowledgement. Not sooner: each rewrite is a
 * whole-file write to the cluster's SD card, and at an emergency, seconds after the start, it
 * would take CPU from the playback. Until then acknowledged events stay in the file; after a
 * crash they are sent again, which is harmless (the controller keys them by device + sequence).
 */
const COMPACT_DELAY_MS = 60_000;

export interface OutboxOptions {
  dir: string;
  log: Logger;
  clock: Clock;
}

export class Outbox {
  private readonly file: string;
  private handle: FileHandle | undefined;
  /** Between open() and close(): append() takes events. */
  private accepting = false;
  /** Unacknowledged events, in sequence order. */
  private events: DeviceEvent[] = [];
  private acked = 0;
  private lastSeq = 0;
  /** Bytes of the file known to be complete; a failed write is cut back to this. */
  private size = 0;
  /** Acknowledged events still in the file. */
  private waste = 0;
  private readonly batches = new GroupCommit<Pending>(
    (batch) => this.flush(batch),
    (err) => this.options.log.error({ err }, 'outbox operation failed'),
  );
  private compactTimer: TimerHandle | undefined;
  private readonly listeners = new Set<(events: readonly DeviceEvent[]) => void>();

  constructor(private readonly options: OutboxOptions) {
    this.file = path.join(options.dir, FILE);
  }

  get ackedSeq(): number {
    return this.acked;
  }

  get lastSequence(): number {
    return this.lastSeq;
  }

  /** Loads the file (recovering a torn tail) or creates it. */
  async open(): Promise<void> {
    for (const name of await readdir(this.options.dir).catch(() => [] as string[])) {
      if (isTempName(name)) await rm(path.join(this.options.dir, name), { force: true });
    }
    let buffer: Buffer | undefined;
    try {
      buffer = await readFile(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (buffer === undefined) await this.rewrite();
    else await this.recover(buffer);
    this.handle = await open(this.file, 'a');
    this.accepting = true;
  }

  /** Numbers the event, makes it durable, then resolves with it (and tells the listeners). */
  append(event: NewEvent): Promise<DeviceEvent> {
    // Not `!this.handle`: a compaction closes and reopens the file, and an event that comes
    // meanwhile (an emergency's play_started) waits in the batch for it instead of being lost.
    if (!this.accepting) return Promise.reject(new Error('outbox is not open'));
    // An event that breaks the contract would be refused by every upload after it: keep it out.
    if (!validate('events', { v: PAYLOAD_VERSION, ts: 0, events: [{ ...event, seq: 1, ts: event.ts ?? 0 }] }).ok) {
      return Promise.reject(new TypeError(`event breaks the contract: ${JSON.stringify(event).slice(0, 300)}`));
    }
    return new Promise((resolve, reject) => this.batches.add({ event, resolve, reject }));
  }

  /** Unacknowledged events with a sequence above `after`, in order. */
  after(after: number): readonly DeviceEvent[] {
    const i = this.events.findIndex((e) => e.seq > after);
    return i < 0 ? [] : this.events.slice(i);
  }

  onAppended(listener: (events: readonly DeviceEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The controller committed everything up to `seq`. */
  ack(seq: number): void {
    if (seq <= this.acked) return;
    if (seq > this.lastSeq) {
      void this.batches.serial(() => this.jumpTo(seq));
      return;
    }
    const dropped = this.events.findIndex((e) => e.seq > seq);
    const n = dropped < 0 ? this.events.length : dropped;
    this.events = this.events.slice(n);
    this.waste += n;
    this.acked = seq;
    if (this.waste >= COMPACT_AFTER_EVENTS) void this.batches.serial(() => this.compact());
    else if (!this.compactTimer) {
      this.compactTimer = this.options.clock.setTimeout(() => {
        this.compactTimer = undefined;
        void this.batches.serial(() => this.compact());
      }, COMPACT_DELAY_MS);
    }
  }

  /** Waits for pending writes, drops acknowledged events from the file, closes it. */
  async close(): Promise<void> {
    this.options.clock.clearTimeout(this.compactTimer);
    this.compactTimer = undefined;
    await this.batches.serial(async () => {
      // Events appended before this step (by the steps queued ahead of it too) are still written.
      this.accepting = false;
      await this.batches.commitPending();
      await this.compact();
      await this.handle?.close();
      this.handle = undefined;
    });
  }

  private async flush(batch: Pending[]): Promise<void> {
    // A compaction that failed to reopen the file (the rewrite is atomic: the old file stands) is retried here.
    if (!this.handle && this.accepting) this.handle = await open(this.file, 'a').catch(() => undefined);
    if (!this.handle) {
      for (const p of batch) p.reject(new Error(this.accepting ? 'outbox file cannot be opened' : 'outbox is closed'));
      return;
    }
    const now = this.options.clock.now();
    const events = batch.map((p, i) => ({ ...p.event, seq: this.lastSeq + i + 1, ts: p.event.ts ?? now }) as DeviceEvent);
    const bytes = Buffer.from(events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    try {
      await appendDurably(this.handle, this.file, this.size, bytes);
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    this.size += bytes.length;
    this.lastSeq += events.length;
    this.events.push(...events);
    for (const [i, p] of batch.entries()) p.resolve(events[i]!);
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch (err) {
        this.options.log.error({ err }, 'outbox listener failed');
      }
    }
  }

  private async compact(): Promise<void> {
    if (this.waste === 0 || !this.handle) return;
    await this.handle.close();
    this.handle = undefined;
    await this.rewrite();
    this.handle = await open(this.file, 'a');
  }

  /** Writes header + unacknowledged events to a new file and renames it into place. */
  private async rewrite(): Promise<void> {
    const text = [JSON.stringify({ outbox: 1, acked: this.acked }), ...this.events.map((e) => JSON.stringify(e))].join('\n');
    const body = `${text}\n`;
    await writeFileAtomic(this.file, body);
    this.size = Buffer.byteLength(body);
    this.waste = 0;
  }

  /**
   * The controller has committed sequences we never wrote (the cluster's data folder was wiped
   * and it starts again from 1): continue above them, and re-number what we still hold so it is
   * not taken for duplicates.
   */
  private async jumpTo(seq: number): Promise<void> {
    this.options.log.warn({ ackedByController: seq, lastSeq: this.lastSeq }, 'controller acknowledged sequences beyond ours; continuing above them');
    const orphans = this.events;
    this.events = [];
    this.acked = seq;
    this.lastSeq = seq;
    this.waste = 1;
    await this.compact();
    for (const { seq: _seq, ...event } of orphans) {
      this.append(event).catch((err) => this.options.log.error({ err, event }, 'could not keep an event while renumbering'));
    }
  }

  private async recover(buffer: Buffer): Promise<void> {
    let offset = 0;
    let lineNo = 0;
    let expected: number | undefined;
    while (offset < buffer.length) {
      const end = buffer.indexOf(0x0a, offset);
      if (end < 0) break; // no newline: a torn last line
      const line = buffer.subarray(offset, end).toString('utf8');
      if (lineNo === 0) {
        const header = parseHeader(line);
        if (header !== undefined) {
          this.acked = header;
          this.lastSeq = header;
          offset = end + 1;
          lineNo++;
          continue;
        }
      }
      const event = parseEvent(line);
      if (!event || (expected !== undefined && event.seq !== expected) || event.seq <= this.acked) break;
      if (expected === undefined && this.acked === 0 && lineNo === 0) this.acked = event.seq - 1; // header lost
      this.events.push(event);
      this.lastSeq = event.seq;
      expected = event.seq + 1;
      offset = end + 1;
      lineNo++;
    }
    this.size = offset;
    if (offset < buffer.length) {
      this.options.log.warn({ keptEvents: this.events.length, droppedBytes: buffer.length - offset }, 'outbox had a torn or damaged tail; cut off');
      await truncate(this.file, offset);
    }
    if (lineNo === 0 || offset === 0) await this.rewrite();
  }
}

function parseHeader(line: string): number | undefined {
  try {
    const h = JSON.parse(line) as { outbox?: unknown; acked?: unknown };
    return h.outbox === 1 && Number.isInteger(h.acked) && (h.acked as number) >= 0 ? (h.acked as number) : undefined;
  } catch {
    return undefined;
  }
}

function parseEvent(line: string): DeviceEvent | undefined {
  // Checked against the contract with the compiled validator: an event we cannot send is damage.
  const check = decode('events', `{"v":${PAYLOAD_VERSION},"ts":0,"events":[${line}]}`);
  return check.ok ? check.value.events[0] : undefined;
}
