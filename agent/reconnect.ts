// When to try the broker again: jittered exponential backoff (backoff.ts), slower after a
// refusal, and back to the first step once a connection has proved stable — a link that flaps
// every few seconds must keep backing off, not hammer the broker at the first step forever.
import type { Logger } from '../platform/logger.js';
import { type BackoffPolicy, backoffDelay, RECONNECT_BACKOFF, REFUSED_BACKOFF } from './backoff.js';
import type { Clock, Random, TimerHandle } from './clock.js';

export interface ReconnectOptions {
  clock: Clock;
  log: Logger;
  random?: Random;
  backoff?: BackoffPolicy;
  refusedBackoff?: BackoffPolicy;
  /** A connection that has lasted this long resets the backoff to its first step. */
  stableAfterMs?: number;
}

export class Reconnector {
  /** The backoff step the next retry uses. */
  attempt = 0;
  lastDelayMs: number | null = null;
  private retryTimer: TimerHandle | undefined;
  private stableTimer: TimerHandle | undefined;

  constructor(private readonly options: ReconnectOptions) {}

  /** Runs `retry` after the next delay; `slow` after the broker refused us. One retry at a time. */
  schedule(slow: boolean, retry: () => void): void {
    if (this.retryTimer !== undefined) return;
    const { clock, log, random } = this.options;
    const policy = slow ? (this.options.refusedBackoff ?? REFUSED_BACKOFF) : (this.options.backoff ?? RECONNECT_BACKOFF);
    const delayMs = backoffDelay(this.attempt, policy, random);
    this.attempt++;
    this.lastDelayMs = delayMs;
    log.info({ delayMs, attempt: this.attempt, slow }, 'reconnecting after a delay');
    this.retryTimer = clock.setTimeout(() => {
      this.retryTimer = undefined;
      retry();
    }, delayMs);
  }

  connected(): void {
    this.options.clock.clearTimeout(this.stableTimer);
    this.stableTimer = this.options.clock.setTimeout(() => {
      this.attempt = 0;
    }, this.options.stableAfterMs ?? 60_000);
  }

  disconnected(): void {
    this.options.clock.clearTimeout(this.stableTimer);
  }

  cancel(): void {
    this.options.clock.clearTimeout(this.retryTimer);
    this.options.clock.clearTimeout(this.stableTimer);
    this.retryTimer = undefined;
  }
}
