// Bulletins (what a station plays), their approval history, the audio assets they point to
// (content-addressed by sha256), and the transcode jobs that make those assets.
import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { PRIORITY_CLASSES } from '../../../shared/priority.js';
import { users } from './accounts.js';
import { adminUnits } from './registry.js';

export const BULLETIN_STATUSES = ['draft', 'submitted', 'approved', 'rejected', 'archived'] as const;
export type BulletinStatus = (typeof BULLETIN_STATUSES)[number];
export const JOB_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const BULLETIN_SOURCES = ['upload', 'tts', 'recording'] as const;
/** Vietnamese and the local ethnic-minority languages of Bắc Kạn (Decree 49/2024). */
export const BULLETIN_LANGUAGES = ['vi', 'tay', 'nung', 'dao', 'hmong', 'san_chay', 'other'] as const;

/** The delivery file: normalised, mono, in the delivery format; named by its sha256. */
export const mediaAssets = sqliteTable('media_assets', {
  sha256: text('sha256').primaryKey(),
  format: text('format').notNull(),
  codec: text('codec').notNull(),
  bitrate: integer('bitrate'),
  channels: integer('channels').notNull(),
  sampleRate: integer('sample_rate').notNull(),
  durationMs: integer('duration_ms').notNull(),
  loudnessLufs: real('loudness_lufs'),
  truePeakDbtp: real('true_peak_dbtp'),
  sizeBytes: integer('size_bytes').notNull(),
  createdAt: integer('created_at').notNull(),
  /** The original it was made from and a fingerprint of the settings, so identical work is done once. */
  sourceSha256: text('source_sha256'),
  settingsKey: text('settings_key'),
  /** Set by retention when nothing references the file any more; cleared when something does again. */
  unreferencedSince: integer('unreferenced_since'),
  /** When retention deleted the file; the row stays so history (archived bulletins) stays readable. */
  removedAt: integer('removed_at'),
});

/** Uploaded (or synthesised) originals, kept as received and named by their sha256. */
export const mediaOriginals = sqliteTable('media_originals', {
  sha256: text('sha256').primaryKey(),
  /** ffprobe's container name (e.g. "mp3", "mov,mp4,m4a,3gp,3g2,mj2", "ogg") and the MIME type served for previews. */
  formatName: text('format_name').notNull(),
  mime: text('mime').notNull(),
  codec: text('codec').notNull(),
  channels: integer('channels'),
  sampleRate: integer('sample_rate'),
  durationMs: integer('duration_ms').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  createdAt: integer('created_at').notNull(),
  unreferencedSince: integer('unreferenced_since'),
  removedAt: integer('removed_at'),
});

export const bulletins = sqliteTable(
  'bulletins',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    title: text('title').notNull(),
    language: text('language', { enum: BULLETIN_LANGUAGES }).notNull(),
    category: text('category'),
    priorityClass: text('priority_class', { enum: PRIORITY_CLASSES }).notNull(),
    notes: text('notes'),
    /** The unit the bulletin belongs to (commune, district or province); it decides who approves. */
    ownerAreaCode: text('owner_area_code')
      .notNull()
      .references(() => adminUnits.code),
    source: text('source', { enum: BULLETIN_SOURCES }).notNull(),
    status: text('status', { enum: BULLETIN_STATUSES }).notNull().default('draft'),
    /** The uploaded (or synthesised) original, kept as received, content-addressed. */
    originalSha256: text('original_sha256'),
    originalFilename: text('original_filename'),
    /** For text-to-speech bulletins: the text and the voice it was spoken with. */
    text: text('text'),
    ttsVoice: text('tts_voice'),
    /** The playable delivery file; null until its transcode job has finished. */
    assetSha256: text('asset_sha256').references(() => mediaAssets.sha256),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('bulletins_owner_status_idx').on(t.ownerAreaCode, t.status),
    index('bulletins_asset_idx').on(t.assetSha256),
    index('bulletins_original_idx').on(t.originalSha256),
  ],
);

/** Every status change of a bulletin, with who and why (Circular 39 approval before air). */
export const bulletinTransitions = sqliteTable(
  'bulletin_transitions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    bulletinId: integer('bulletin_id')
      .notNull()
      .references(() => bulletins.id),
    fromStatus: text('from_status', { enum: BULLETIN_STATUSES }),
    toStatus: text('to_status', { enum: BULLETIN_STATUSES }).notNull(),
    actorId: integer('actor_id').references(() => users.id),
    reason: text('reason'),
    at: integer('at').notNull(),
  },
  (t) => [index('bulletin_transitions_bulletin_idx').on(t.bulletinId, t.at)],
);


export const transcodeJobs = sqliteTable(
  'transcode_jobs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    bulletinId: integer('bulletin_id')
      .notNull()
      .references(() => bulletins.id),
    status: text('status', { enum: JOB_STATUSES }).notNull(),
    /** 0..1, from ffmpeg's -progress output. */
    progress: real('progress').notNull().default(0),
    /** ffmpeg's own error text when the job failed, for the person who uploaded. */
    error: text('error'),
    /** The original this job transcodes (a bulletin's audio can be replaced while a job waits). */
    sourceSha256: text('source_sha256'),
    /** The delivery file it produced. */
    outputSha256: text('output_sha256'),
    /** Runs started; a job interrupted by a controller stop goes back to the queue. */
    attempts: integer('attempts').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
  },
  (t) => [index('transcode_jobs_status_idx').on(t.status), index('transcode_jobs_bulletin_idx').on(t.bulletinId)],
);
