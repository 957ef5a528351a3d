// Runs queued transcode jobs in the background: at most `concurrency` ffmpeg processes at once,
// each at low priority, never on the event loop. Jobs live in the database, so a controller
// restart loses none: a job cut off by stop() goes back to the queue and runs at the next start.
// Every change of a job is emitted as an `update` (the progress stream listens).
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import type { Logger } from '../../platform/logger.js';
import type { JobStatus } from '../db/schema/media.js';
import type { MediaBinaries } from './binaries.js';
import { deliveryExt } from './formats.js';
import type { MediaStore } from './media-store.js';
import { settingsKey, TranscodeError, type TranscodeSettings, transcodeToStore } from './transcode.js';
import type { JobRow, TranscodeRepo } from './transcode.repo.js';

export interface JobUpdate {
  jobId: number;
  bulletinId: number;
  status: JobStatus;
  progress: number;
  error: string | null;
  assetSha256: string | null;
}

export interface TranscodeWorkerDeps {
  repo: TranscodeRepo;
  store: MediaStore;
  binaries: MediaBinaries;
  settings: TranscodeSettings;
  concurrency: number;
  logger: Logger;
  clock: () => number;
}

// Writing progress to the database at every ffmpeg report would be noise; events carry it live.
const PROGRESS_WRITE_INTERVAL_MS = 1000;

export class TranscodeWorker extends EventEmitter<{ update: [JobUpdate]; idle: [] }> {
  private readonly running = new Map<number, { abort: AbortController; done: Promise<void> }>();
  private started = false;

  constructor(private readonly deps: TranscodeWorkerDeps) {
    super();
    // Any number of progress streams may listen at once.
    this.setMaxListeners(0);
  }

  async start(): Promise<void> {
    const { store, repo, logger } = this.deps;
    await store.init();
    const leftovers = await store.clearTemp();
    const requeued = repo.requeueAllRunning();
    if (leftovers || requeued) logger.info({ leftovers, requeued }, 'transcode: cleared work files and requeued jobs cut off by the last stop');
    this.started = true;
    this.pump();
  }

  /** Stops taking jobs, kills running ffmpeg processes and waits for them; their jobs are requeued. */
  async stop(): Promise<void> {
    this.started = false;
    const all = [...this.running.values()];
    for (const r of all) r.abort.abort();
    await Promise.all(all.map((r) => r.done));
  }

  /** Called after a job is queued. */
  wake(): void {
    this.pump();
  }

  isRunning(jobId: number): boolean {
    return this.running.has(jobId);
  }

  busy(): boolean {
    return this.running.size > 0;
  }

  private pump(): void {
    while (this.started && this.running.size < this.deps.concurrency) {
      const job = this.deps.repo.claimNext(this.deps.clock());
      if (!job) return;
      const abort = new AbortController();
      const done = this.execute(job, abort.signal).finally(() => {
        this.running.delete(job.id);
        this.pump();
        if (this.running.size === 0) this.emit('idle');
      });
      this.running.set(job.id, { abort, done });
    }
  }

  private async execute(job: JobRow, signal: AbortSignal): Promise<void> {
    const { repo, store, binaries, settings, logger, clock } = this.deps;
    const update = (status: JobStatus, progress: number, error: string | null = null, assetSha256: string | null = null) =>
      this.emit('update', { jobId: job.id, bulletinId: job.bulletinId, status, progress, error, assetSha256 });
    update('running', 0);
    try {
      const source = job.sourceSha256 ? repo.getOriginal(job.sourceSha256) : undefined;
      if (!source || source.removedAt !== null || !existsSync(store.originalPath(source.sha256))) {
        throw new TranscodeError('the original upload is no longer stored; upload the audio again');
      }
      const key = settingsKey(settings);
      const reusable = repo.findReusableAsset(source.sha256, key);
      if (reusable && existsSync(store.deliveryPath(reusable.sha256, deliveryExt(reusable.format)))) {
        this.complete(job, source.sha256, reusable.sha256);
        update('done', 1, null, reusable.sha256);
        return;
      }
      let lastWrite = 0;
      const result = await transcodeToStore(binaries, store.originalPath(source.sha256), source.durationMs, store, settings, {
        signal,
        onProgress: (fraction) => {
          const now = clock();
          if (now - lastWrite >= PROGRESS_WRITE_INTERVAL_MS) {
            lastWrite = now;
            repo.setProgress(job.id, fraction);
          }
          update('running', fraction);
        },
      });
      repo.transaction(() => {
        repo.upsertAsset({
          sha256: result.sha256,
          format: settings.format,
          codec: result.codec,
          bitrate: result.bitrate,
          channels: result.channels,
          sampleRate: result.sampleRate,
          durationMs: result.durationMs,
          loudnessLufs: result.loudnessLufs,
          truePeakDbtp: result.truePeakDbtp,
          sizeBytes: result.sizeBytes,
          createdAt: clock(),
          sourceSha256: source.sha256,
          settingsKey: key,
        });
        this.complete(job, source.sha256, result.sha256);
      });
      update('done', 1, null, result.sha256);
    } catch (err) {
      if (signal.aborted) {
        repo.requeue(job.id);
        update('queued', 0);
        return;
      }
      const message = err instanceof TranscodeError ? err.message : `internal error: ${(err as Error).message}`;
      if (!(err instanceof TranscodeError)) logger.error({ err, jobId: job.id }, 'transcode job failed unexpectedly');
      repo.finish(job.id, 'failed', clock(), { error: message });
      update('failed', 0, message);
    }
  }

  private complete(job: JobRow, sourceSha256: string, assetSha256: string): void {
    const now = this.deps.clock();
    this.deps.repo.transaction(() => {
      this.deps.repo.attachAsset(job.bulletinId, sourceSha256, assetSha256, now);
      this.deps.repo.finish(job.id, 'done', now, { outputSha256: assetSha256 });
    });
  }
}
