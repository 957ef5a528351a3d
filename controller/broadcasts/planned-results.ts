// "Planned" is what a device was told to play: when its manifest changes, items that are new (or
// moved) and still in the future get a planned playback row; future items that left the manifest
// are withdrawn. Items already started or past are never rewritten. Runs inside the manifest
// batch transaction.
import type Database from 'better-sqlite3';
import type { ManifestItem } from '../../shared/index.js';
import type { DeviceInfo } from './programme-index.js';

export class PlannedResults {
  private readonly plan: Database.Statement;
  private readonly withdraw: Database.Statement;

  constructor(sqlite: Database.Database) {
    this.plan = sqlite.prepare(
      `INSERT INTO playback_results (device_id, item_id, occurrence_id, item_index, commune_code, planned_start_at, duration_ms, status, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'planned', ?)
       ON CONFLICT(device_id, item_id) DO UPDATE SET planned_start_at = excluded.planned_start_at, duration_ms = excluded.duration_ms,
         commune_code = excluded.commune_code, updated_at = excluded.updated_at,
         status = CASE WHEN playback_results.status IN ('planned', 'withdrawn') THEN 'planned' ELSE playback_results.status END`,
    );
    this.withdraw = sqlite.prepare(`UPDATE playback_results SET status = 'withdrawn', updated_at = ? WHERE device_id = ? AND item_id = ? AND status = 'planned'`);
  }

  applyDiff(device: DeviceInfo, before: readonly ManifestItem[], after: readonly ManifestItem[], now: number): void {
    const old = new Map(before.map((i) => [i.id, i]));
    const kept = new Set<string>();
    for (const item of after) {
      kept.add(item.id);
      if (item.startAt < now) continue;
      const prev = old.get(item.id);
      if (prev && prev.startAt === item.startAt && prev.durationMs === item.durationMs) continue;
      const index = Number(item.id.slice(item.id.lastIndexOf(':') + 1));
      this.plan.run(device.id, item.id, Number(item.occurrenceId), index, device.communeCode, item.startAt, item.durationMs, now);
    }
    for (const item of before) {
      if (!kept.has(item.id) && item.startAt >= now) this.withdraw.run(now, device.id, item.id);
    }
  }
}
