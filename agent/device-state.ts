// What the cluster is doing right now, in memory: volume, amplifier power, what is playing and
// which manifest version it holds. The heartbeat and the retained `state` read it; the playback
// phase (players, power driver, manifest cache) writes it. It does not persist: after a restart
// the manifest and the power driver establish the truth again.
import { type Logger, silentLogger } from '../platform/logger.js';
import type { TelemetryPayload } from '../shared/payloads.js';

export type PowerState = TelemetryPayload['power'];
export type Playing = NonNullable<TelemetryPayload['playing']>;

export interface DeviceStateSnapshot {
  /** 0-100. */
  volume: number;
  power: PowerState;
  playing: Playing | null;
  /** Version of the manifest the agent has applied; null until it holds one. */
  manifestVersion: number | null;
}

export const DEFAULT_DEVICE_STATE: Readonly<DeviceStateSnapshot> = Object.freeze({
  volume: 70,
  power: 'off',
  playing: null,
  manifestVersion: null,
});

export type DeviceStateListener = (next: Readonly<DeviceStateSnapshot>, previous: Readonly<DeviceStateSnapshot>) => void;

export class DeviceState {
  private current: Readonly<DeviceStateSnapshot>;
  private readonly listeners = new Set<DeviceStateListener>();

  constructor(
    initial: Partial<DeviceStateSnapshot> = {},
    private readonly log: Logger = silentLogger,
  ) {
    this.current = Object.freeze({ ...DEFAULT_DEVICE_STATE, ...initial });
  }

  get(): Readonly<DeviceStateSnapshot> {
    return this.current;
  }

  setVolume(volume: number): void {
    // Same bounds as the wire (TelemetrySchema.volume), so a heartbeat can never be invalid.
    if (!Number.isInteger(volume) || volume < 0 || volume > 100) {
      throw new RangeError(`volume must be an integer 0-100, got ${volume}`);
    }
    this.update({ volume });
  }

  setPower(power: PowerState): void {
    this.update({ power });
  }

  setPlaying(playing: Playing | null): void {
    this.update({ playing: playing === null ? null : Object.freeze({ ...playing }) });
  }

  setManifestVersion(manifestVersion: number | null): void {
    if (manifestVersion !== null && (!Number.isInteger(manifestVersion) || manifestVersion < 0)) {
      throw new RangeError(`manifestVersion must be a non-negative integer or null, got ${manifestVersion}`);
    }
    this.update({ manifestVersion });
  }

  /** Called after every change with the new and the previous snapshot. Returns an unsubscribe. */
  onChange(listener: DeviceStateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private update(patch: Partial<DeviceStateSnapshot>): void {
    const previous = this.current;
    const next = Object.freeze({ ...previous, ...patch });
    if ((Object.keys(patch) as (keyof DeviceStateSnapshot)[]).every((k) => next[k] === previous[k])) return;
    this.current = next;
    // A listener is someone else's code (e.g. a state publish); its failure must not undo the change.
    for (const listener of this.listeners) {
      try {
        listener(next, previous);
      } catch (err) {
        this.log.error({ err, module: 'agent-device-state' }, 'device state listener failed');
      }
    }
  }
}
