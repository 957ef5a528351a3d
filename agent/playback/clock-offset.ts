// Measures how far the cluster's clock is from the controller's (`GET /api/v1/time` → {now}),
// NTP-style: offset = serverNow − (t0 + t1) / 2, keeping the sample with the shortest round trip
// of a few (its midpoint is the least uncertain: the error is at most half its round trip).
// Sign: positive when the cluster's clock is behind the controller's (the amount NTP would add).
// The agent only reports it (telemetry `clockOffsetMs`); it never sets the OS clock — that is
// NTP's job (chrony / systemd-timesyncd), and a daemon stepping the clock under a running
// schedule would cause the very skew it is meant to detect.
import type { Logger } from '../../platform/logger.js';
import type { Clock, TimerHandle } from '../clock.js';
import { httpGet, readBody } from './http-get.js';

const SAMPLES = 4;
const FIRST_AFTER_MS = 5_000;
const EVERY_MS = 15 * 60_000;
/** An offset older than this is no longer reported (null): a stale figure misleads. */
const STALE_AFTER_MS = 2 * EVERY_MS;

export interface Sample {
  offsetMs: number;
  rttMs: number;
}

export class ClockOffset {
  private latest: { offsetMs: number; at: number } | undefined;
  private timer: TimerHandle | undefined;
  private running = false;

  constructor(
    private readonly controllerUrl: string,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly everyMs = EVERY_MS,
  ) {}

  start(): void {
    this.running = true;
    this.schedule(FIRST_AFTER_MS);
  }

  stop(): void {
    this.running = false;
    this.clock.clearTimeout(this.timer);
  }

  /** Telemetry reading: the last measured offset in ms, or null. */
  readonly reading = (): number | null => {
    if (!this.latest || this.clock.monotonicMs() - this.latest.at > STALE_AFTER_MS) return null;
    return this.latest.offsetMs;
  };

  /** Takes SAMPLES samples; keeps the one with the shortest round trip. */
  async measure(): Promise<Sample | undefined> {
    let best: Sample | undefined;
    for (let i = 0; i < SAMPLES; i++) {
      const sample = await this.sample().catch((err: Error) => {
        this.log.debug({ err: err.message }, 'clock sample failed');
        return undefined;
      });
      if (sample && (!best || sample.rttMs < best.rttMs)) best = sample;
    }
    if (best) this.latest = { offsetMs: best.offsetMs, at: this.clock.monotonicMs() };
    return best;
  }

  private async sample(): Promise<Sample> {
    const url = `${this.controllerUrl.replace(/\/+$/, '')}/api/v1/time`;
    const m0 = this.clock.monotonicMs();
    const t0 = this.clock.now();
    const res = await httpGet(url, { timeoutMs: 5_000 });
    const body = await readBody(res, 1024);
    const rttMs = this.clock.monotonicMs() - m0;
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
    const now = (JSON.parse(body) as { now?: unknown }).now;
    if (typeof now !== 'number' || !Number.isFinite(now)) throw new Error('no "now" in the answer');
    // t1 from the monotonic round trip: a wall-clock step during the request cannot distort it.
    const midpoint = t0 + rttMs / 2;
    return { offsetMs: Math.round(now - midpoint), rttMs };
  }

  private schedule(delayMs: number): void {
    this.timer = this.clock.setTimeout(async () => {
      if (!this.running) return;
      await this.measure();
      if (this.running) this.schedule(this.everyMs);
    }, delayMs);
  }
}
