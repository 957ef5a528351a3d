// Uploads the outbox: on every (re)connect from the last sequence the controller acknowledged,
// and as events are appended. Flow control is end to end: at most WINDOW events are sent beyond
// the last acknowledgement; an acknowledgement that does not come within ackTimeoutMs (the
// controller was down, or a batch was lost with a broker restart) sends again from the last one.
// Duplicates are harmless — the controller is idempotent by device + sequence.
import type { Logger } from '../../platform/logger.js';
import type { DeviceEvent } from '../../shared/payloads.js';
import { MAX_EVENTS_PER_BATCH, PAYLOAD_VERSION } from '../../shared/payloads.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { Link } from '../link.js';
import type { Outbox } from './outbox.js';

/** Events in flight beyond the last acknowledgement. */
const WINDOW = 4 * MAX_EVENTS_PER_BATCH;
/** Keeps a batch well under the contract's 256 KiB events payload. */
const MAX_BATCH_BYTES = 192 * 1024;

export interface UploaderOptions {
  outbox: Outbox;
  link: Pick<Link, 'connected' | 'publish' | 'onConnect' | 'handle'>;
  clock: Clock;
  log: Logger;
  ackTimeoutMs?: number;
}

export class EventUploader {
  private sentUpTo = 0;
  private ackTimer: TimerHandle | undefined;
  private readonly offs: (() => unknown)[] = [];
  private running = false;

  constructor(private readonly options: UploaderOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    const { link, outbox } = this.options;
    this.offs.push(
      link.onConnect(() => this.resend()),
      link.handle('events/ack', (ack) => this.onAck(ack.seq)),
      outbox.onAppended(() => this.pump()),
    );
    this.resend();
  }

  stop(): void {
    this.running = false;
    for (const off of this.offs.splice(0)) off();
    this.options.clock.clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
  }

  /** Sends everything again from the last acknowledged sequence. */
  resend(): void {
    this.sentUpTo = this.options.outbox.ackedSeq;
    this.pump();
  }

  private onAck(seq: number): void {
    const before = this.options.outbox.ackedSeq;
    this.options.outbox.ack(seq);
    if (this.options.outbox.ackedSeq > before) {
      this.options.clock.clearTimeout(this.ackTimer);
      this.ackTimer = undefined;
    }
    this.sentUpTo = Math.max(this.sentUpTo, this.options.outbox.ackedSeq);
    this.pump();
  }

  private pump(): void {
    const { link, outbox, clock, log } = this.options;
    if (!this.running || !link.connected) return;
    for (;;) {
      const room = outbox.ackedSeq + WINDOW - this.sentUpTo;
      if (room <= 0) break;
      const batch = takeBatch(outbox.after(this.sentUpTo), Math.min(room, MAX_EVENTS_PER_BATCH));
      if (batch.length === 0) break;
      this.sentUpTo = batch[batch.length - 1]!.seq;
      link.publish('events', { v: PAYLOAD_VERSION, ts: clock.now(), events: batch }).catch((err) => {
        log.warn({ err, from: batch[0]!.seq, to: this.sentUpTo }, 'events batch not published; it is sent again');
      });
    }
    if (this.sentUpTo > outbox.ackedSeq && !this.ackTimer) {
      this.ackTimer = clock.setTimeout(() => {
        this.ackTimer = undefined;
        if (this.sentUpTo > outbox.ackedSeq) {
          log.debug({ acked: outbox.ackedSeq, sentUpTo: this.sentUpTo }, 'no acknowledgement in time; sending again');
          this.resend();
        }
      }, this.options.ackTimeoutMs ?? 30_000);
    }
  }
}

function takeBatch(events: readonly DeviceEvent[], max: number): DeviceEvent[] {
  const batch: DeviceEvent[] = [];
  let bytes = 64;
  for (const event of events) {
    if (batch.length >= max) break;
    const size = JSON.stringify(event).length + 1;
    if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
    batch.push(event);
    bytes += size;
  }
  return batch;
}
