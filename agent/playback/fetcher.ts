// Prefetches every media file the manifest needs, soonest first, one at a time in the background
// (a 4G link is better used by one stream than split); a file needed *now* (a play command, an
// emergency) is fetched at once beside it. Failed files are retried with jittered exponential
// backoff. Each failure is reported as `media_fetch_failed` — the first of a streak, a change of
// reason, and every hash mismatch — so an outage does not flood the outbox.
import { stat } from 'node:fs/promises';
import type { Logger } from '../../platform/logger.js';
import type { ManifestItem } from '../../shared/payloads.js';
import { type BackoffPolicy, backoffDelay } from '../backoff.js';
import type { Clock, Random, TimerHandle } from '../clock.js';
import { type DownloadResult, downloadMedia, FetchError, type FetchFailure } from './download.js';
import { resolveMediaUrl } from './manifest-store.js';
import type { MediaCache } from './media-cache.js';
import type { EventSink } from './events.js';

export const FETCH_BACKOFF: BackoffPolicy = { baseMs: 5_000, capMs: 15 * 60_000, minMs: 2_000 };
const NO_BOUND = 2 ** 40;

export interface MediaRef {
  sha256: string;
  url: string;
  sizeBytes?: number;
}

export interface FetcherOptions {
  cache: MediaCache;
  auth: { user: string; password: string };
  controllerUrl: string;
  events: EventSink;
  log: Logger;
  clock: Clock;
  random?: Random;
  backoff?: BackoffPolicy;
  timeoutMs?: number;
  cacheMaxBytes: () => number;
  /** A file is now in the cache. */
  onFetched?: (sha256: string) => void;
}

interface Wanted extends MediaRef {
  firstUse: number;
}
interface Failure {
  attempt: number;
  retryAt: number;
  reason: FetchFailure;
}

export class MediaFetcher {
  private wanted = new Map<string, Wanted>();
  private readonly failures = new Map<string, Failure>();
  private readonly inflight = new Map<string, Promise<void>>();
  private background: string | undefined;
  private timer: TimerHandle | undefined;
  private abort = new AbortController();
  private running = false;

  constructor(private readonly options: FetcherOptions) {}

  start(): void {
    this.running = true;
    this.abort = new AbortController();
    this.kick();
  }

  stop(): void {
    this.running = false;
    this.abort.abort();
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The media the schedule needs: items that have not ended yet. */
  setWanted(items: readonly ManifestItem[], now: number): void {
    const wanted = new Map<string, Wanted>();
    for (const item of items) {
      if (item.source.type !== 'media' || item.startAt + item.durationMs <= now) continue;
      const known = wanted.get(item.source.sha256);
      if (!known || item.startAt < known.firstUse) wanted.set(item.source.sha256, { ...item.source, firstUse: item.startAt });
    }
    this.wanted = wanted;
    for (const sha of this.failures.keys()) if (!wanted.has(sha)) this.failures.delete(sha);
    this.kick();
  }

  /** When `sha256` is next needed; undefined when no item needs it. */
  readonly nextUse = (sha256: string): number | undefined => this.wanted.get(sha256)?.firstUse;

  /** Why the last attempt for `sha256` failed, if it did. */
  lastFailure(sha256: string): FetchFailure | undefined {
    return this.failures.get(sha256)?.reason;
  }

  /** Fetches now, ignoring backoff (a play command needs it). Rejects with a FetchError. */
  fetchNow(ref: MediaRef): Promise<void> {
    if (this.options.cache.has(ref.sha256)) return Promise.resolve();
    return this.fetch(ref, this.options.clock.now());
  }

  private kick(): void {
    if (!this.running || this.background) return;
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.options.clock.now();
    let next: Wanted | undefined;
    let retryAt = Number.POSITIVE_INFINITY;
    for (const w of this.wanted.values()) {
      if (this.options.cache.has(w.sha256) || this.inflight.has(w.sha256)) continue;
      const failure = this.failures.get(w.sha256);
      if (failure && failure.retryAt > now) {
        retryAt = Math.min(retryAt, failure.retryAt);
        continue;
      }
      if (!next || w.firstUse < next.firstUse) next = w;
    }
    if (next) {
      const sha = next.sha256;
      this.background = sha;
      void this.fetch(next, next.firstUse)
        .catch(() => undefined)
        .finally(() => {
          this.background = undefined;
          this.kick();
        });
    } else if (retryAt < Number.POSITIVE_INFINITY) {
      this.timer = this.options.clock.setTimeout(() => this.kick(), Math.max(0, retryAt - now));
    }
  }

  private fetch(ref: MediaRef, forUseAt: number): Promise<void> {
    const running = this.inflight.get(ref.sha256);
    if (running) return running;
    const attempt = this.attempt(ref, forUseAt).finally(() => this.inflight.delete(ref.sha256));
    this.inflight.set(ref.sha256, attempt);
    return attempt;
  }

  private async attempt(ref: MediaRef, forUseAt: number): Promise<void> {
    const { cache, events, log, clock } = this.options;
    const { sha256 } = ref;
    try {
      const result = await this.download(ref, forUseAt);
      this.failures.delete(sha256);
      // Without a size in the manifest the bound could only be checked afterwards.
      await cache.makeRoom(0, this.options.cacheMaxBytes(), this.nextUse);
      const resumed = result.resumedFrom > 0 ? `, resumed at byte ${result.resumedFrom}` : '';
      this.options.onFetched?.(sha256);
      await events.emit({ type: 'media_fetched', sha256, detail: `${result.bytes} bytes${resumed}` });
    } catch (err) {
      const failure = err instanceof FetchError ? err : new FetchError('network', (err as Error).message);
      if (this.abort.signal.aborted) throw failure; // stopping: not a failure of the file
      const previous = this.failures.get(sha256);
      const attempt = (previous?.attempt ?? 0) + 1;
      const delay = backoffDelay(attempt - 1, this.options.backoff ?? FETCH_BACKOFF, this.options.random);
      this.failures.set(sha256, { attempt, retryAt: clock.now() + delay, reason: failure.reason });
      log.warn({ sha256, reason: failure.reason, detail: failure.message, retryInMs: delay }, 'media fetch failed');
      if (!previous || previous.reason !== failure.reason || failure.reason === 'hash_mismatch') {
        await events.emit({ type: 'media_fetch_failed', sha256, reason: failure.reason, detail: failure.message.slice(0, 1000) });
      }
      throw failure;
    } finally {
      cache.notePartial(sha256, await fileSize(cache.partialPathOf(sha256)));
    }
  }

  private async download(ref: MediaRef, forUseAt: number): Promise<DownloadResult> {
    const { cache, controllerUrl, auth } = this.options;
    const url = resolveMediaUrl(controllerUrl, ref.url);
    if (!url) throw new FetchError('http_error', `cannot resolve media url ${ref.url}`);
    const max = this.options.cacheMaxBytes();
    if (!(await cache.makeRoom(ref.sizeBytes ?? 0, max, this.nextUse, forUseAt))) {
      throw new FetchError('cache_full', `${ref.sizeBytes} bytes do not fit in cacheMaxBytes ${max}`);
    }
    return downloadMedia({
      url,
      sha256: ref.sha256,
      auth,
      partialPath: cache.partialPathOf(ref.sha256),
      maxBytes: ref.sizeBytes ?? (max > 0 ? max : NO_BOUND),
      timeoutMs: this.options.timeoutMs,
      signal: this.abort.signal,
      commit: async (partial) => cache.commit(ref.sha256, partial, (await stat(partial)).size),
    });
  }
}

function fileSize(file: string): Promise<number> {
  return stat(file).then(
    (s) => s.size,
    () => 0,
  );
}
