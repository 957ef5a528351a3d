// What scheduling may air: an approved bulletin with its delivery file on disk (Circular 39 and
// provincial rules: only approved bulletins go on air). The scheduler calls this for every
// bulletin it puts in a playlist or an emergency.
import { existsSync } from 'node:fs';
import type { PriorityClass } from '../../shared/priority.js';
import type { ControllerContext } from '../context.js';
import { AppError } from '../errors.js';
import { deliveryExt } from '../media/formats.js';
import { mediaUrl } from './bulletin-schemas.js';

export interface PlayableBulletin {
  id: number;
  title: string;
  priorityClass: PriorityClass;
  ownerAreaCode: string;
  asset: { sha256: string; durationMs: number; sizeBytes: number; url: string };
}

interface Row {
  id: number;
  title: string;
  priority_class: PriorityClass;
  owner_area_code: string;
  status: string;
  sha256: string | null;
  format: string | null;
  duration_ms: number | null;
  size_bytes: number | null;
  removed_at: number | null;
}

const statements = new WeakMap<object, { get(id: number): unknown }>();

export function getPlayableBulletin(ctx: ControllerContext, id: number): PlayableBulletin {
  let statement = statements.get(ctx.database.sqlite);
  if (!statement) {
    statement = ctx.database.sqlite.prepare(
      `SELECT b.id, b.title, b.priority_class, b.owner_area_code, b.status, a.sha256, a.format, a.duration_ms, a.size_bytes, a.removed_at
       FROM bulletins b LEFT JOIN media_assets a ON a.sha256 = b.asset_sha256 WHERE b.id = ?`,
    );
    statements.set(ctx.database.sqlite, statement);
  }
  const row = statement.get(id) as Row | undefined;
  if (!row) throw new AppError('bulletin_not_found', { id });
  if (row.status !== 'approved') throw new AppError('bulletin_not_approved', { id });
  if (!row.sha256 || row.duration_ms === null || row.size_bytes === null || row.removed_at !== null) throw new AppError('bulletin_not_ready', { id });
  // The row alone is not proof: an agent must be able to download what we promise it.
  if (!existsSync(ctx.media.store.deliveryPath(row.sha256, deliveryExt(row.format ?? '')))) throw new AppError('bulletin_not_ready', { id });
  return {
    id: row.id,
    title: row.title,
    priorityClass: row.priority_class,
    ownerAreaCode: row.owner_area_code,
    asset: { sha256: row.sha256, durationMs: row.duration_ms, sizeBytes: row.size_bytes, url: mediaUrl(row.sha256) },
  };
}
