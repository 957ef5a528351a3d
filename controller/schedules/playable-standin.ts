// STAND-IN for controller/bulletins/playable.ts (owned by the bulletins module, not yet merged):
// the same signature, reading the `bulletins` and `media_assets` tables directly. Delete once
// the real module is on main. Circular 39 / provincial rules: only approved bulletins with a
// ready delivery file may be aired.
import type { ControllerContext } from '../context.js';
import { AppError } from '../errors.js';

export interface PlayableBulletin {
  id: number;
  title: string;
  priorityClass: 'normal' | 'priority' | 'emergency';
  ownerAreaCode: string;
  asset: { sha256: string; durationMs: number; sizeBytes: number; url: string };
}

interface Row {
  id: number;
  title: string;
  priority_class: PlayableBulletin['priorityClass'];
  owner_area_code: string;
  status: string;
  sha256: string | null;
  duration_ms: number | null;
  size_bytes: number | null;
}

export function getPlayableBulletin(ctx: ControllerContext, id: number): PlayableBulletin {
  const row = ctx.database.sqlite
    .prepare(
      `SELECT b.id, b.title, b.priority_class, b.owner_area_code, b.status, a.sha256, a.duration_ms, a.size_bytes
       FROM bulletins b LEFT JOIN media_assets a ON a.sha256 = b.asset_sha256 WHERE b.id = ?`,
    )
    .get(id) as Row | undefined;
  if (!row) throw new AppError('bulletin_not_found', { id });
  if (row.status !== 'approved') throw new AppError('bulletin_not_approved', { id });
  if (!row.sha256 || row.duration_ms == null || row.size_bytes == null) throw new AppError('bulletin_not_ready', { id });
  return {
    id: row.id,
    title: row.title,
    priorityClass: row.priority_class,
    ownerAreaCode: row.owner_area_code,
    asset: { sha256: row.sha256, durationMs: row.duration_ms, sizeBytes: row.size_bytes, url: `/api/v1/media/${row.sha256}` },
  };
}
