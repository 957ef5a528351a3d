// Decoders prepared ahead of their start (engine.ts), by entry key: spawned with the file open,
// waiting for the start instant. The cached file stays pinned (never evicted) while prepared.
import type { Logger } from '../../platform/logger.js';
import type { Clock } from '../clock.js';
import type { DeviceState } from '../device-state.js';
import { playRequest } from './entry-support.js';
import type { MediaCache } from './media-cache.js';
import type { Player, PreparedPlayback } from './players/player.js';
import type { Entry } from './timeline.js';

export interface Prepared {
  promise: Promise<PreparedPlayback | undefined>;
  /** Set once the decoder is ready, so the start instant need not wait for a promise. */
  ready?: PreparedPlayback;
  release: () => void;
}

export interface PreparationsOptions {
  player: Player;
  cache: MediaCache;
  state: DeviceState;
  clock: Clock;
  log: Logger;
}

export class Preparations {
  private readonly map = new Map<string, Prepared>();

  constructor(private readonly o: PreparationsOptions) {}

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** The decoder for `key` if it is ready now. */
  ready(key: string): PreparedPlayback | undefined {
    return this.map.get(key)?.ready;
  }

  /** Prepares `entry` unless it already is. */
  ahead(entry: Entry): void {
    if (!this.map.has(entry.key)) this.map.set(entry.key, this.prepare(entry));
  }

  /** Hands over the preparation of `entry` (made now if there was none); it is no longer tracked here. */
  take(entry: Entry): Prepared {
    const prepared = this.map.get(entry.key) ?? this.prepare(entry);
    this.map.delete(entry.key);
    return prepared;
  }

  /** Ends the decoder prepared for `key`, if any. */
  discard(key: string): void {
    const prepared = this.map.get(key);
    if (!prepared) return;
    this.map.delete(key);
    void prepared.promise.then((p) => p?.stop()).finally(prepared.release);
  }

  /** Ends every prepared decoder whose key is not in `keep`. */
  discardExcept(keep: ReadonlySet<string>): void {
    for (const key of [...this.map.keys()]) if (!keep.has(key)) this.discard(key);
  }

  private prepare(entry: Entry): Prepared {
    const { cache, player, state, clock, log } = this.o;
    const release = entry.source.type === 'media' ? cache.pin(entry.source.sha256) : () => undefined;
    const request = playRequest(entry, cache, state.get().volume, Math.max(clock.now(), entry.startAt));
    const prepared: Prepared = { promise: Promise.resolve(undefined), release };
    prepared.promise = player.prepare(request).then(
      (playback) => {
        prepared.ready = playback;
        return playback;
      },
      (err: Error) => {
        log.error({ err, key: entry.key }, 'player could not be prepared');
        return undefined;
      },
    );
    return prepared;
  }
}
