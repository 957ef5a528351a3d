// The heartbeat (`devices/{id}/telemetry`, QoS 0). The controller marks a device offline after a
// few missed beats, so beats are regular; the first one waits a random part of the interval so
// a fleet powered on together (or reconnecting after a broker restart) spreads its load.
// Readings the agent cannot take yet are null — never guessed (TelemetrySchema).
import { statfs } from 'node:fs/promises';
import { type Logger, silentLogger } from '../platform/logger.js';
import { PAYLOAD_VERSION, type TelemetryPayload } from '../shared/payloads.js';
import { type Clock, type Random, systemClock, type TimerHandle } from './clock.js';
import type { DeviceState } from './device-state.js';

type Reading<T> = () => T | Promise<T>;

/**
 * Pluggable readings. Later modules provide them with `telemetry.provide(...)`:
 * - cacheBytes: the media cache (playback phase) — 0 until then.
 * - clockOffsetMs: the controller's clock minus ours, NTP-style (playback/clock-offset.ts; positive = the cluster is behind) — null until measured.
 * - signalDbm: 4G signal strength from the modem (e.g. `mmcli -m 0 --signal-get`), -200..0 — null unless a
 *   provider is plugged in; many clusters are on Ethernet or a modem we cannot query.
 * - diskFreeBytes: free bytes for the agent on the filesystem of dataDir (statfs); null if unavailable.
 */
export interface TelemetryProviders {
  cacheBytes: Reading<number>;
  clockOffsetMs: Reading<number | null>;
  signalDbm: Reading<number | null>;
  diskFreeBytes: Reading<number | null>;
}

export interface TelemetryPublisher {
  publish(kind: 'telemetry', payload: TelemetryPayload): Promise<boolean>;
}

export interface TelemetryOptions {
  deviceState: DeviceState;
  link: TelemetryPublisher;
  agentVersion: string;
  intervalS: number;
  dataDir: string;
  logger?: Logger;
  clock?: Clock;
  random?: Random;
  providers?: Partial<TelemetryProviders>;
}

export async function diskFreeBytes(dir: string): Promise<number | null> {
  try {
    const s = await statfs(dir);
    // bavail, not bfree: what an unprivileged agent can still write (root's reserve excluded).
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

export class Telemetry {
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly providers: TelemetryProviders;
  private intervalMs: number;
  private timer: TimerHandle | undefined;
  private startedAt = 0;
  private running = false;
  private beating = false;

  constructor(private readonly options: TelemetryOptions) {
    this.log = (options.logger ?? silentLogger).child({ module: 'agent-telemetry' });
    this.clock = options.clock ?? systemClock;
    this.intervalMs = options.intervalS * 1000;
    this.providers = {
      cacheBytes: () => 0,
      clockOffsetMs: () => null,
      signalDbm: () => null,
      diskFreeBytes: () => diskFreeBytes(options.dataDir),
      ...options.providers,
    };
  }

  /** Replaces some readings; takes effect at the next beat. */
  provide(providers: Partial<TelemetryProviders>): void {
    Object.assign(this.providers, providers);
  }

  /** Changes the interval (the manifest's config carries one); takes effect after the next beat. */
  setIntervalS(seconds: number): void {
    if (!Number.isInteger(seconds) || seconds < 1) {
      throw new RangeError(`heartbeat interval must be whole seconds >= 1, got ${seconds}`);
    }
    this.intervalMs = seconds * 1000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.startedAt = this.clock.monotonicMs();
    const random = this.options.random ?? Math.random;
    this.schedule(Math.floor(random() * this.intervalMs));
  }

  stop(): void {
    this.running = false;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Builds the heartbeat payload from the current state and readings. */
  async snapshot(): Promise<TelemetryPayload> {
    const state = this.options.deviceState.get();
    const now = this.clock.now();
    const [cacheBytes, clockOffsetMs, signalDbm, diskFree] = await Promise.all([
      this.read('cacheBytes', 0),
      this.read('clockOffsetMs', null),
      this.read('signalDbm', null),
      this.read('diskFreeBytes', null),
    ]);
    return {
      v: PAYLOAD_VERSION,
      ts: now,
      // Monotonic: an NTP step of the wall clock must not make uptime jump.
      uptimeS: Math.max(0, Math.floor((this.clock.monotonicMs() - this.startedAt) / 1000)),
      agentVersion: this.options.agentVersion,
      volume: state.volume,
      power: state.power,
      playing: state.playing,
      diskFreeBytes: wholeOrNull(diskFree),
      cacheBytes: wholeOrNull(cacheBytes) ?? 0,
      clockOffsetMs: finiteOrNull(clockOffsetMs),
      signalDbm: signalDbm !== null && Number.isFinite(signalDbm) && signalDbm >= -200 && signalDbm <= 0 ? signalDbm : null,
      manifestVersion: state.manifestVersion,
    };
  }

  private schedule(delayMs: number): void {
    this.timer = this.clock.setTimeout(() => {
      // Schedule the next beat first, so a slow reading (a hung statfs) never stretches the interval.
      if (this.running) this.schedule(this.intervalMs);
      void this.beat();
    }, delayMs);
  }

  private async beat(): Promise<void> {
    if (this.beating || !this.running) return; // the previous beat is still reading; skip rather than pile up
    this.beating = true;
    try {
      const sent = await this.options.link.publish('telemetry', await this.snapshot());
      if (!sent) this.log.debug('heartbeat skipped: offline');
    } catch (err) {
      this.log.error({ err }, 'heartbeat failed');
    } finally {
      this.beating = false;
    }
  }

  private async read<K extends keyof TelemetryProviders>(
    name: K,
    fallback: Awaited<ReturnType<TelemetryProviders[K]>>,
  ): Promise<Awaited<ReturnType<TelemetryProviders[K]>>> {
    try {
      return (await this.providers[name]()) as Awaited<ReturnType<TelemetryProviders[K]>>;
    } catch (err) {
      this.log.warn({ err, reading: name }, 'telemetry reading failed');
      return fallback;
    }
  }
}

function finiteOrNull(n: number | null): number | null {
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

function wholeOrNull(n: number | null): number | null {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.floor(n) : null;
}
