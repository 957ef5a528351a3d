// Circular 39: "when two priority items clash, the commune user decides their order". Clashing
// priority occurrences are played one after another (programme.ts); this service lists a
// commune's clashes and records the order the commune chose, which the manifests then follow.
import type Database from 'better-sqlite3';
import type { ManifestService } from '../broadcasts/manifests.service.js';
import { ProgrammeIndex } from '../broadcasts/programme-index.js';
import { type ProgrammeOccurrence, sequencePriority } from '../broadcasts/programme.js';
import { AppError } from '../errors.js';
import type { OccurrenceService } from './occurrences.service.js';
import type { SchedulesRepo } from './schedules.repo.js';

export interface PriorityClash {
  /** In the order they will play, with the start each gets after sequencing. */
  occurrences: { occurrenceId: number; scheduleId: number; title: string; plannedStartAt: number; playsAt: number; durationMs: number; rank: number | null }[];
  decided: boolean;
}

export class PriorityOrderService {
  constructor(
    private readonly sqlite: Database.Database,
    private readonly repo: SchedulesRepo,
    private readonly occurrences: OccurrenceService,
    private readonly manifests: ManifestService,
    private readonly clock: () => number,
  ) {}

  /** Clusters of overlapping priority occurrences on the commune's clusters, from now to the horizon. */
  clashes(communeCode: string): PriorityClash[] {
    const now = this.clock();
    const index = new ProgrammeIndex(this.sqlite, this.repo, now, this.occurrences.horizonEnd(now), { communeCode });
    const seen = new Map<number, ProgrammeOccurrence>();
    for (const d of index.devices) {
      for (const o of index.occurrencesFor(d)) if (o.class === 'priority' && o.startAt > now) seen.set(o.id, o);
    }
    const ranks = index.ranksFor(communeCode);
    const list = [...seen.values()].sort((a, b) => a.startAt - b.startAt || a.id - b.id);
    const playsAt = sequencePriority(list, ranks);
    const out: PriorityClash[] = [];
    let cluster: ProgrammeOccurrence[] = [];
    let end = -Infinity;
    const flush = () => {
      if (cluster.length > 1) {
        const occ = cluster
          .map((o) => ({ occurrenceId: o.id, scheduleId: o.scheduleId, title: o.title, plannedStartAt: o.startAt, playsAt: playsAt.get(o.id)!, durationMs: o.durationMs, rank: ranks.get(o.id) ?? null }))
          .sort((a, b) => a.playsAt - b.playsAt);
        out.push({ occurrences: occ, decided: occ.every((o) => o.rank !== null) });
      }
      cluster = [];
      end = -Infinity;
    };
    for (const o of list) {
      if (cluster.length > 0 && o.startAt >= end) flush();
      cluster.push(o);
      end = Math.max(end, o.startAt + o.durationMs);
    }
    flush();
    return out;
  }

  /** Records the commune's order for clashing priority occurrences (first plays first). */
  decide(communeCode: string, occurrenceIds: number[], userId: number | null): PriorityClash[] {
    if (new Set(occurrenceIds).size !== occurrenceIds.length || occurrenceIds.length < 2) {
      throw new AppError('priority_order_invalid', { detail: 'give two or more different occurrence ids' });
    }
    const clashing = new Set(this.clashes(communeCode).flatMap((c) => c.occurrences.map((o) => o.occurrenceId)));
    for (const id of occurrenceIds) {
      const o = this.repo.occurrence(id);
      if (!o) throw new AppError('occurrence_not_found', { id });
      if (!clashing.has(id)) throw new AppError('priority_order_invalid', { detail: `occurrence ${id} is not a future priority airing that clashes in ${communeCode}` });
    }
    const now = this.clock();
    const upsert = this.sqlite.prepare(
      `INSERT INTO priority_orders (commune_code, occurrence_id, rank, decided_by, decided_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(commune_code, occurrence_id) DO UPDATE SET rank = excluded.rank, decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
    );
    this.sqlite.transaction(() => {
      occurrenceIds.forEach((id, rank) => {
        upsert.run(communeCode, id, rank, userId, now);
      });
    })();
    const devices = this.sqlite
      .prepare('SELECT d.id FROM devices d JOIN stations s ON s.id = d.station_id WHERE s.commune_code = ? AND d.disabled = 0')
      .all(communeCode) as { id: string }[];
    this.manifests.markDirty(devices.map((d) => d.id));
    return this.clashes(communeCode);
  }
}
