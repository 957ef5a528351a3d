// The bulletin as the API shows it (TypeBox: validation, OpenAPI and static types from one
// definition), and how a database row becomes one.
import { type Static, Type } from '@sinclair/typebox';
import { BULLETIN_LANGUAGES, BULLETIN_SOURCES, BULLETIN_STATUSES, JOB_STATUSES } from '../db/schema/media.js';
import { Nullable } from '../http/schemas.js';
import type { JobRow } from '../media/transcode.repo.js';
import { PRIORITY_CLASSES } from '../../shared/priority.js';
import type { BulletinDetailRow } from './bulletins.repo.js';


export const PriorityClassSchema = Type.Union(PRIORITY_CLASSES.map((c) => Type.Literal(c)), { description: 'Circular 39 class: normal, priority or emergency' });
export const LanguageSchema = Type.Union(BULLETIN_LANGUAGES.map((l) => Type.Literal(l)), { description: 'vi, or a local ethnic-minority language' });
export const StatusSchema = Type.Union(BULLETIN_STATUSES.map((s) => Type.Literal(s)));
export const SourceSchema = Type.Union(BULLETIN_SOURCES.map((s) => Type.Literal(s)));

export const mediaUrl = (sha256: string) => `/api/v1/media/${sha256}`;

export const JobSchema = Type.Object({
  id: Type.Integer(),
  status: Type.Union(JOB_STATUSES.map((s) => Type.Literal(s))),
  progress: Type.Number({ description: '0..1, from ffmpeg -progress' }),
  error: Nullable(Type.String({ description: "ffmpeg's own error, for the person who uploaded" })),
  attempts: Type.Integer(),
  createdAt: Type.Integer(),
  startedAt: Nullable(Type.Integer()),
  finishedAt: Nullable(Type.Integer()),
});

export const BulletinSchema = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  language: LanguageSchema,
  category: Nullable(Type.String()),
  priorityClass: PriorityClassSchema,
  notes: Nullable(Type.String()),
  ownerAreaCode: Type.String(),
  ownerAreaName: Type.String(),
  source: SourceSchema,
  status: StatusSchema,
  text: Nullable(Type.String({ description: 'text-to-speech bulletins: the text spoken' })),
  ttsVoice: Nullable(Type.String()),
  originalFilename: Nullable(Type.String()),
  original: Nullable(
    Type.Object({ sha256: Type.String(), formatName: Type.String(), codec: Type.String(), durationMs: Type.Integer(), sizeBytes: Type.Integer(), url: Type.String() }),
  ),
  asset: Nullable(
    Type.Object({
      sha256: Type.String(),
      format: Type.String(),
      codec: Type.String(),
      bitrate: Nullable(Type.Integer()),
      channels: Type.Integer(),
      sampleRate: Type.Integer(),
      durationMs: Type.Integer(),
      loudnessLufs: Nullable(Type.Number()),
      truePeakDbtp: Nullable(Type.Number()),
      sizeBytes: Type.Integer(),
      url: Type.String({ description: 'GET it with a session (preview) or as a device (HTTP Basic)' }),
    }),
  ),
  job: Nullable(JobSchema),
  createdBy: Nullable(Type.Integer()),
  createdByName: Nullable(Type.String({ description: 'display name of the account that created it' })),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});
export type BulletinView = Static<typeof BulletinSchema>;

export function jobView(job: JobRow | undefined): Static<typeof JobSchema> | null {
  if (!job) return null;
  return {
    id: job.id,
    status: job.status,
    progress: job.progress,
    error: job.error,
    attempts: job.attempts,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}

export function bulletinView(row: BulletinDetailRow, job: JobRow | undefined): BulletinView {
  const b = row.bulletin;
  const asset = row.asset && row.asset.removedAt === null ? row.asset : null;
  const original = row.original && row.original.removedAt === null ? row.original : null;
  return {
    id: b.id,
    title: b.title,
    language: b.language,
    category: b.category,
    priorityClass: b.priorityClass,
    notes: b.notes,
    ownerAreaCode: b.ownerAreaCode,
    ownerAreaName: row.ownerAreaName,
    source: b.source,
    status: b.status,
    text: b.text,
    ttsVoice: b.ttsVoice,
    originalFilename: b.originalFilename,
    original: original
      ? { sha256: original.sha256, formatName: original.formatName, codec: original.codec, durationMs: original.durationMs, sizeBytes: original.sizeBytes, url: mediaUrl(original.sha256) }
      : null,
    asset: asset
      ? {
          sha256: asset.sha256,
          format: asset.format,
          codec: asset.codec,
          bitrate: asset.bitrate,
          channels: asset.channels,
          sampleRate: asset.sampleRate,
          durationMs: asset.durationMs,
          loudnessLufs: asset.loudnessLufs,
          truePeakDbtp: asset.truePeakDbtp,
          sizeBytes: asset.sizeBytes,
          url: mediaUrl(asset.sha256),
        }
      : null,
    job: jobView(job),
    createdBy: b.createdBy,
    createdByName: row.createdByName,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
  };
}
