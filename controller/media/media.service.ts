// The media pipeline as one service: the binaries, the content-addressed store, the checks, the
// transcode queue and retention. Bulletins and text-to-speech hand it files; the media route asks
// it where a hash lives.
import { existsSync } from 'node:fs';
import type { Config } from '../../platform/config.js';
import type { Logger } from '../../platform/logger.js';
import type { LoaDatabase } from '../db/client.js';
import { type AudioFacts, checkAudio } from './audio-check.js';
import { type MediaBinaries, resolveMediaBinaries } from './binaries.js';
import { deliveryExt, mimeOfExtension } from './formats.js';
import type { MediaReferences } from './media-refs.js';
import { MediaStore } from './media-store.js';
import { MediaRetention, type RetentionReport } from './retention.js';
import type { TranscodeSettings } from './transcode.js';
import { TranscodeRepo } from './transcode.repo.js';
import { TranscodeWorker } from './transcode-worker.js';

export interface StoredFile {
  kind: 'delivery' | 'original';
  path: string;
  mime: string;
}

type MediaConfig = Pick<
  Config,
  | 'paths'
  | 'ffmpegPath'
  | 'ffprobePath'
  | 'mediaMaxUploadMb'
  | 'mediaMaxDurationS'
  | 'mediaFormat'
  | 'mediaBitrateKbps'
  | 'mediaOpusComplexity'
  | 'mediaTargetLufs'
  | 'mediaTargetLra'
  | 'mediaTargetTruePeak'
  | 'mediaTranscodeConcurrency'
  | 'mediaTranscodeNice'
  | 'mediaRetentionDays'
>;

export function transcodeSettingsFrom(config: MediaConfig): TranscodeSettings {
  return {
    format: config.mediaFormat,
    bitrateKbps: config.mediaBitrateKbps,
    opusComplexity: config.mediaOpusComplexity,
    target: { i: config.mediaTargetLufs, lra: config.mediaTargetLra, tp: config.mediaTargetTruePeak },
    niceLevel: config.mediaTranscodeNice,
  };
}

export class MediaService {
  readonly binaries: MediaBinaries;
  readonly store: MediaStore;
  readonly repo: TranscodeRepo;
  readonly worker: TranscodeWorker;
  readonly retention: MediaRetention;
  readonly settings: TranscodeSettings;
  readonly maxUploadBytes: number;
  private inFlight = 0;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly config: MediaConfig,
    database: LoaDatabase,
    refs: MediaReferences,
    logger: Logger,
    private readonly clock: () => number,
  ) {
    this.binaries = resolveMediaBinaries(config);
    this.store = new MediaStore(config.paths.media);
    this.repo = new TranscodeRepo(database);
    this.settings = transcodeSettingsFrom(config);
    this.maxUploadBytes = config.mediaMaxUploadMb * 1_048_576;
    this.worker = new TranscodeWorker({
      repo: this.repo,
      store: this.store,
      binaries: this.binaries,
      settings: this.settings,
      concurrency: config.mediaTranscodeConcurrency,
      logger: logger.child({ module: 'transcode' }),
      clock,
    });
    this.worker.on('idle', () => this.notifyIdle());
    this.retention = new MediaRetention(database, this.store, refs, config.mediaRetentionDays, logger.child({ module: 'media-retention' }), clock);
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.worker.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.worker.stop();
  }

  /** ffprobe + full decode; throws the 4xx that says what is wrong with the file. */
  check(file: string, displayName: string, sizeBytes: number): Promise<AudioFacts> {
    return checkAudio(this.binaries, file, displayName, sizeBytes, { maxDurationS: this.config.mediaMaxDurationS });
  }

  /**
   * Moves a checked upload into the store, then runs `commit` (the database writes that make it
   * referenced). Retention does not sweep between the two (see `sweepRetention`).
   */
  async keepOriginal<T>(tempPath: string, sha256: string, facts: AudioFacts, commit: () => T): Promise<T> {
    return this.guard(async () => {
      const adopted = await this.store.adoptOriginal(tempPath, sha256);
      return this.repo.transaction(() => {
        this.repo.upsertOriginal({
          sha256,
          formatName: facts.formatName,
          mime: facts.mime,
          codec: facts.codec,
          channels: facts.channels,
          sampleRate: facts.sampleRate,
          durationMs: facts.durationMs,
          sizeBytes: adopted.sizeBytes,
          createdAt: this.clock(),
        });
        return commit();
      });
    });
  }

  /** Queues a transcode of an original for a bulletin (inside the caller's transaction). */
  queueTranscode(bulletinId: number, sourceSha256: string): number {
    this.repo.supersedeQueued(bulletinId, this.clock());
    return this.repo.insertJob(bulletinId, sourceSha256, this.clock()).id;
  }

  /** Where a hash is stored, if it is: a delivery file, or (for staff previews) an original. */
  locate(sha256: string): StoredFile | null {
    const asset = this.repo.getAsset(sha256);
    if (asset && asset.removedAt === null) {
      const ext = deliveryExt(asset.format);
      const path = this.store.deliveryPath(sha256, ext);
      if (existsSync(path)) return { kind: 'delivery', path, mime: mimeOfExtension(ext) };
    }
    const original = this.repo.getOriginal(sha256);
    if (original && original.removedAt === null) {
      const path = this.store.originalPath(sha256);
      if (existsSync(path)) return { kind: 'original', path, mime: original.mime };
    }
    return null;
  }

  /** Runs retention once no upload or job is between storing a file and recording it. */
  async sweepRetention(): Promise<RetentionReport | null> {
    while (this.inFlight > 0 || this.worker.busy()) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    if (this.stopped) return null;
    // Synchronous from here: nothing can store a file until the sweep is done.
    return this.retention.sweep();
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await fn();
    } finally {
      this.inFlight--;
      this.notifyIdle();
    }
  }

  /** The worker tells us when a job ends, so a waiting sweep can run. */
  notifyIdle(): void {
    if (this.inFlight > 0 || this.worker.busy()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
