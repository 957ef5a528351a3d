// Queries for transcode jobs, delivery assets and originals. No rules here: see
// transcode-worker.ts and bulletins.service.ts.
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { LoaDatabase } from '../db/client.js';
import { bulletins, type JobStatus, mediaAssets, mediaOriginals, transcodeJobs } from '../db/schema/media.js';

export type JobRow = typeof transcodeJobs.$inferSelect;
export type AssetRow = typeof mediaAssets.$inferSelect;
export type OriginalRow = typeof mediaOriginals.$inferSelect;

export class TranscodeRepo {
  constructor(private readonly database: LoaDatabase) {}

  private get db() {
    return this.database.db;
  }

  insertJob(bulletinId: number, sourceSha256: string, now: number): JobRow {
    return this.db.insert(transcodeJobs).values({ bulletinId, sourceSha256, status: 'queued', createdAt: now }).returning().get();
  }

  /** Takes the oldest queued job and marks it running, in one statement (no double claim). */
  claimNext(now: number): JobRow | undefined {
    return this.db
      .update(transcodeJobs)
      .set({ status: 'running', startedAt: now, progress: 0, attempts: sql`${transcodeJobs.attempts} + 1` })
      .where(eq(transcodeJobs.id, sql`(SELECT id FROM transcode_jobs WHERE status = 'queued' ORDER BY id LIMIT 1)`))
      .returning()
      .get();
  }

  setProgress(id: number, progress: number): void {
    this.db.update(transcodeJobs).set({ progress }).where(eq(transcodeJobs.id, id)).run();
  }

  finish(id: number, status: Extract<JobStatus, 'done' | 'failed'>, now: number, fields: { error?: string; outputSha256?: string }): void {
    this.db
      .update(transcodeJobs)
      .set({ status, finishedAt: now, error: fields.error ?? null, outputSha256: fields.outputSha256 ?? null, ...(status === 'done' ? { progress: 1 } : {}) })
      .where(eq(transcodeJobs.id, id))
      .run();
  }

  /** A job cut off by a controller stop runs again at the next start. */
  requeue(id: number): void {
    this.db.update(transcodeJobs).set({ status: 'queued', startedAt: null, progress: 0 }).where(eq(transcodeJobs.id, id)).run();
  }

  requeueAllRunning(): number {
    return this.db.update(transcodeJobs).set({ status: 'queued', startedAt: null, progress: 0 }).where(eq(transcodeJobs.status, 'running')).run().changes;
  }

  /** Jobs still waiting for a bulletin whose audio was replaced will never be wanted. */
  supersedeQueued(bulletinId: number, now: number): void {
    this.db
      .update(transcodeJobs)
      .set({ status: 'failed', error: 'superseded by a newer upload', finishedAt: now })
      .where(and(eq(transcodeJobs.bulletinId, bulletinId), eq(transcodeJobs.status, 'queued')))
      .run();
  }

  getJob(id: number): JobRow | undefined {
    return this.db.select().from(transcodeJobs).where(eq(transcodeJobs.id, id)).get();
  }

  latestJobOf(bulletinId: number): JobRow | undefined {
    return this.db.select().from(transcodeJobs).where(eq(transcodeJobs.bulletinId, bulletinId)).orderBy(desc(transcodeJobs.id)).limit(1).get();
  }

  latestJobsOf(bulletinIds: number[]): Map<number, JobRow> {
    if (bulletinIds.length === 0) return new Map();
    const rows = this.db
      .select()
      .from(transcodeJobs)
      .where(
        inArray(
          transcodeJobs.id,
          this.db
            .select({ id: sql<number>`max(${transcodeJobs.id})` })
            .from(transcodeJobs)
            .where(inArray(transcodeJobs.bulletinId, bulletinIds))
            .groupBy(transcodeJobs.bulletinId),
        ),
      )
      .all();
    return new Map(rows.map((r) => [r.bulletinId, r]));
  }

  /** A stored delivery file already made from this original with these settings. */
  findReusableAsset(sourceSha256: string, key: string): AssetRow | undefined {
    return this.db
      .select()
      .from(mediaAssets)
      .where(and(eq(mediaAssets.sourceSha256, sourceSha256), eq(mediaAssets.settingsKey, key), isNull(mediaAssets.removedAt)))
      .orderBy(desc(mediaAssets.createdAt))
      .limit(1)
      .get();
  }

  upsertAsset(row: typeof mediaAssets.$inferInsert): void {
    const { sha256: _sha, createdAt: _created, ...rest } = row;
    this.db
      .insert(mediaAssets)
      .values(row)
      .onConflictDoUpdate({ target: mediaAssets.sha256, set: { ...rest, unreferencedSince: null, removedAt: null } })
      .run();
  }

  upsertOriginal(row: typeof mediaOriginals.$inferInsert): void {
    this.db
      .insert(mediaOriginals)
      .values(row)
      .onConflictDoUpdate({ target: mediaOriginals.sha256, set: { unreferencedSince: null, removedAt: null } })
      .run();
  }

  getAsset(sha256: string): AssetRow | undefined {
    return this.db.select().from(mediaAssets).where(eq(mediaAssets.sha256, sha256)).get();
  }

  getOriginal(sha256: string): OriginalRow | undefined {
    return this.db.select().from(mediaOriginals).where(eq(mediaOriginals.sha256, sha256)).get();
  }

  /** Points the bulletin at its delivery file, unless its audio was replaced meanwhile. */
  attachAsset(bulletinId: number, sourceSha256: string, assetSha256: string, now: number): boolean {
    return (
      this.db
        .update(bulletins)
        .set({ assetSha256, updatedAt: now })
        .where(and(eq(bulletins.id, bulletinId), eq(bulletins.originalSha256, sourceSha256)))
        .run().changes > 0
    );
  }

  transaction<T>(fn: () => T): T {
    return this.database.sqlite.transaction(fn)();
  }
}
