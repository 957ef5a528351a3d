// Bulletins (what a station plays), their approval history, the audio assets they point to
// (content-addressed by sha256), and the transcode jobs that make those assets.
import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './accounts.js';
import { adminUnits } from './registry.js';

export const BULLETIN_STATUSES = ['draft', 'submitted', 'approved', 'rejected', 'archived'] as const;
export type BulletinStatus = (typeof BULLETIN_STATUSES)[number];
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
});

export const bulletins = sqliteTable(
  'bulletins',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    title: text('title').notNull(),
    language: text('language', { enum: BULLETIN_LANGUAGES }).notNull(),
    category: text('category'),
    priorityClass: text('priority_class', { enum: ['normal', 'priority', 'emergency'] }).notNull(),
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
    /** The playable delivery file; null until its transcode job has finished. */
    assetSha256: text('asset_sha256').references(() => mediaAssets.sha256),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('bulletins_owner_status_idx').on(t.ownerAreaCode, t.status), index('bulletins_asset_idx').on(t.assetSha256)],
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

export const JOB_STATUSES = ['queued', 'running', 'done', 'failed'] as const;

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
    createdAt: integer('created_at').notNull(),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
  },
  (t) => [index('transcode_jobs_status_idx').on(t.status)],
);
