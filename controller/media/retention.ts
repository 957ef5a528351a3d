// Retention of audio files. A delivery file or an original that no source references (see
// media-refs.ts) is marked with the time it stopped being referenced; once it has stayed
// unreferenced for LOA_MEDIA_RETENTION_DAYS it is deleted. The database row stays (with
// removed_at) so archived bulletins keep their history. A file in use is never removed: the
// reference check is repeated immediately before each delete, in the same tick.
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { eq, isNull } from 'drizzle-orm';
import type { Logger } from '../../platform/logger.js';
import type { LoaDatabase } from '../db/client.js';
import { mediaAssets, mediaOriginals } from '../db/schema/media.js';
import { deliveryExt } from './formats.js';
import type { MediaReferences } from './media-refs.js';
import { type MediaStore, SHA256_PATTERN } from './media-store.js';

export interface RetentionReport {
  removedDelivery: number;
  removedOriginals: number;
  removedStrays: number;
  markedUnreferenced: number;
  kept: number;
}

const DAY_MS = 86_400_000;

export class MediaRetention {
  constructor(
    private readonly database: LoaDatabase,
    private readonly store: MediaStore,
    private readonly refs: MediaReferences,
    private readonly retentionDays: number,
    private readonly logger: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  sweep(now: number = this.clock()): RetentionReport {
    const report: RetentionReport = { removedDelivery: 0, removedOriginals: 0, removedStrays: 0, markedUnreferenced: 0, kept: 0 };
    const periodMs = this.retentionDays * DAY_MS;
    const { db } = this.database;
    const known = new Set<string>();

    for (const kind of ['delivery', 'original'] as const) {
      const table = kind === 'delivery' ? mediaAssets : mediaOriginals;
      const rows = db.select({ sha256: table.sha256, since: table.unreferencedSince, format: kind === 'delivery' ? mediaAssets.format : mediaOriginals.formatName }).from(table).where(isNull(table.removedAt)).all();
      for (const row of rows) {
        const file = kind === 'delivery' ? this.store.deliveryPath(row.sha256, deliveryExt(row.format)) : this.store.originalPath(row.sha256);
        known.add(path.basename(file));
        if (this.refs.isReferenced(row.sha256)) {
          report.kept++;
          if (row.since !== null) db.update(table).set({ unreferencedSince: null }).where(eq(table.sha256, row.sha256)).run();
          continue;
        }
        const since = row.since ?? now;
        if (row.since === null) {
          report.markedUnreferenced++;
          db.update(table).set({ unreferencedSince: now }).where(eq(table.sha256, row.sha256)).run();
        }
        if (now - since < periodMs) continue;
        unlinkQuietly(file);
        db.update(table).set({ removedAt: now }).where(eq(table.sha256, row.sha256)).run();
        if (kind === 'delivery') report.removedDelivery++;
        else report.removedOriginals++;
      }
    }
    report.removedStrays = this.removeStrays(known, now, periodMs);
    if (report.removedDelivery + report.removedOriginals + report.removedStrays > 0) this.logger.info(report, 'media retention removed unreferenced files');
    return report;
  }

  /**
   * Files with no database row (a crash between the rename and the commit) are removed once
   * they are older than the period and nothing references them.
   */
  private removeStrays(known: Set<string>, now: number, periodMs: number): number {
    let removed = 0;
    for (const dir of [this.store.root, this.store.originalsDir]) {
      for (const name of safeReaddir(dir)) {
        const sha256 = name.split('.')[0] ?? '';
        if (known.has(name) || !SHA256_PATTERN.test(sha256)) continue;
        const file = path.join(dir, name);
        const stat = statSync(file, { throwIfNoEntry: false });
        if (!stat?.isFile() || now - stat.mtimeMs < periodMs || this.refs.isReferenced(sha256)) continue;
        if (unlinkQuietly(file)) removed++;
      }
    }
    return removed;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function unlinkQuietly(file: string): boolean {
  try {
    unlinkSync(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
