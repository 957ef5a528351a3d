// A small key → value store kept on disk as an append-only journal, for the agent's state that
// changes a little at a time and must survive a crash or power cut (command answers, the play
// log). Rewriting a whole file at every change (temp + fsync + rename + folder fsync: eight file
// operations) was a third of a cluster's CPU when an emergency started; appending one line and
// fdatasync-ing it is two, and changes made in one turn of the event loop share them (group
// commit, agent/playback/group-commit.ts, as in the outbox). Fewer writes also spare the cluster's SD card.
//
// Format: JSON lines, `{"k":key,"v":value}` sets and `{"k":key,"d":1}` deletes, replayed in
// order at open. A line counts only when it ends in "\n" and parses; the first that does not (a
// write torn by a power cut) ends the replay and is cut off, everything before it is kept. When
// the file holds more than twice as many lines as live entries it is rewritten as a snapshot
// (temp + fsync + rename): a crash leaves the old file or the new one.
import { type FileHandle, open, readdir, readFile, rm, truncate } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../platform/logger.js';
import { readJsonFile, writeFileAtomic } from './atomic-file.js';
import { appendDurably, GroupCommit } from './group-commit.js';

/** Rewrite no sooner than this many lines, however few entries are live. */
const MIN_LINES_BEFORE_COMPACTION = 200;

type Line = { k: string; v: unknown } | { k: string; d: 1 };

/** A store's earlier whole-file JSON format, converted once into the journal. */
export interface LegacyFormat<V> {
  file: string;
  /** The entries of the parsed file; undefined when it is not what the store wrote. */
  entries: (stored: unknown) => Iterable<[string, V]> | undefined;
}

export interface JournalOptions {
  file: string;
  log: Logger;
  minLinesBeforeCompaction?: number;
}

export class Journal<V> {
  private readonly map = new Map<string, V>();
  private handle: FileHandle | undefined;
  private lines = 0;
  /** Bytes known to be complete lines; a failed append is cut back to this. */
  private size = 0;
  private readonly batches = new GroupCommit<{ line: string; done: (ok: boolean) => void }>(
    (batch) => this.write(batch),
    (err) => this.o.log.error({ err, file: this.o.file }, 'journal operation failed'),
  );
  /** An append failed: what is in memory is not all on disk, so the next flush rewrites. */
  private damaged = false;

  constructor(private readonly o: JournalOptions) {}

  get entries(): ReadonlyMap<string, V> {
    return this.map;
  }

  /**
   * Replays the journal. Without one, takes the entries of `legacy.file` (the store's earlier
   * whole-file JSON format, read once at an upgrade), writes them as the first snapshot and
   * removes the old file.
   */
  async open(legacy?: LegacyFormat<V>): Promise<void> {
    const { file } = this.o;
    await this.removeTempFiles();
    let buffer: Buffer | undefined;
    try {
      buffer = await readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (buffer !== undefined) await this.replay(buffer);
    else {
      const stored = legacy ? await readJsonFile(legacy.file).catch((err: Error) => this.o.log.warn({ err, file: legacy.file }, 'old-format file unreadable; starting empty')) : undefined;
      for (const [k, v] of (stored === undefined ? undefined : legacy?.entries(stored)) ?? []) this.map.set(k, v);
      await this.snapshot();
    }
    if (legacy) await rm(legacy.file, { force: true });
    this.handle = await open(file, 'a');
  }

  /** Sets `key`; resolves true once it is on disk, false if writing failed (logged). */
  set(key: string, value: V): Promise<boolean> {
    this.map.set(key, value);
    return this.append({ k: key, v: value });
  }

  /** Removes `key` (nothing is written when it was not there). */
  delete(key: string): Promise<boolean> {
    if (!this.map.delete(key)) return Promise.resolve(true);
    return this.append({ k: key, d: 1 });
  }

  /** Resolves once every change made so far is on disk (or failed). */
  flush(): Promise<unknown> {
    return this.batches.settled();
  }

  async close(): Promise<void> {
    await this.flush();
    await this.batches.serial(async () => {
      await this.handle?.close();
      this.handle = undefined;
    });
  }

  private append(line: Line): Promise<boolean> {
    return new Promise((resolve) => this.batches.add({ line: `${JSON.stringify(line)}\n`, done: resolve }));
  }

  private async write(batch: { line: string; done: (ok: boolean) => void }[]): Promise<void> {
    let ok = true;
    try {
      if (!this.handle) throw new Error('journal is not open');
      if (this.damaged || this.lines + batch.length > Math.max(this.o.minLinesBeforeCompaction ?? MIN_LINES_BEFORE_COMPACTION, 2 * this.map.size)) {
        // The snapshot is taken from memory, which already holds this batch's changes.
        await this.compact();
      } else {
        const bytes = Buffer.from(batch.map((p) => p.line).join(''));
        await appendDurably(this.handle, this.o.file, this.size, bytes);
        this.size += bytes.length;
        this.lines += batch.length;
      }
    } catch (err) {
      ok = false;
      this.damaged = true;
      this.o.log.error({ err, file: this.o.file }, 'could not write the journal; the next change rewrites it');
    }
    for (const p of batch) p.done(ok);
  }

  private async compact(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    await this.snapshot();
    this.handle = await open(this.o.file, 'a');
  }

  /** Writes the live entries as a new file and renames it into place. */
  private async snapshot(): Promise<void> {
    const body = [...this.map].map(([k, v]) => `${JSON.stringify({ k, v })}\n`).join('');
    await writeFileAtomic(this.o.file, body);
    this.size = Buffer.byteLength(body);
    this.lines = this.map.size;
    this.damaged = false;
  }

  private async replay(buffer: Buffer): Promise<void> {
    const { entries, bytes, lines } = replayJournal<V>(buffer);
    for (const [k, v] of entries) this.map.set(k, v);
    this.size = bytes;
    this.lines = lines;
    if (bytes < buffer.length) {
      this.o.log.warn({ file: this.o.file, keptLines: lines, droppedBytes: buffer.length - bytes }, 'journal had a torn or damaged tail; cut off');
      await truncate(this.o.file, bytes);
    }
  }

  /** Temp files of a rewrite a crash interrupted: never renamed, so they hold nothing valid. */
  private async removeTempFiles(): Promise<void> {
    const dir = path.dirname(this.o.file);
    const prefix = `.${path.basename(this.o.file)}.`;
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (name.startsWith(prefix) && name.endsWith('.tmp')) await rm(path.join(dir, name), { force: true });
    }
  }
}

function parseLine(text: string): Line | undefined {
  try {
    const line = JSON.parse(text) as Partial<{ k: unknown; v: unknown; d: unknown }>;
    if (typeof line !== 'object' || line === null || typeof line.k !== 'string') return undefined;
    if (line.d === 1) return { k: line.k, d: 1 };
    return 'v' in line ? { k: line.k, v: line.v } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Replays a journal's bytes: the entries, and how many bytes and lines of it are complete lines
 * up to the first torn or damaged one.
 */
function replayJournal<V>(buffer: Buffer): { entries: Map<string, V>; bytes: number; lines: number } {
  const entries = new Map<string, V>();
  let offset = 0;
  let lines = 0;
  while (offset < buffer.length) {
    const end = buffer.indexOf(0x0a, offset);
    if (end < 0) break; // no newline: a torn last line
    const line = parseLine(buffer.subarray(offset, end).toString('utf8'));
    if (!line) break;
    if ('d' in line) entries.delete(line.k);
    else entries.set(line.k, line.v as V);
    offset = end + 1;
    lines++;
  }
  return { entries, bytes: offset, lines };
}

/** The entries a journal file holds, as `open` would replay them (for tests and tools). */
export async function readJournal(file: string): Promise<Map<string, unknown>> {
  return replayJournal<unknown>(await readFile(file)).entries;
}
