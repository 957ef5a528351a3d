// Expands schedules into occurrences over the rolling horizon (LOA_SCHEDULE_HORIZON_DAYS, to the
// end of a local day so the horizon moves once a day). Syncing a schedule keeps the ids of
// occurrences whose start did not change, inserts new ones and withdraws future ones that the
// rule no longer produces; occurrences already started or past are never touched, so proof of
// play stays attached to what was planned.
import type Database from 'better-sqlite3';
import { DateTime } from 'luxon';
import type { Logger } from '../../platform/logger.js';
import type { OccurrenceItem } from '../broadcasts/programme.js';
import { AppError } from '../errors.js';
import type { PlayableBulletin } from '../bulletins/playable.js';
import type { ScheduleInput, ScheduleRecord, SchedulesRepo } from './schedules.repo.js';
import { expandTiming } from './timing.js';

/** More airings than this within the horizon is refused (schedule_too_frequent). */
export const MAX_OCCURRENCES_PER_SCHEDULE = 500;

export interface Plan {
  starts: number[];
  durationMs: number;
  items: OccurrenceItem[];
}

export class OccurrenceService {
  constructor(
    private readonly sqlite: Database.Database,
    private readonly repo: SchedulesRepo,
    private readonly options: { horizonDays: number; timezone: string },
    private readonly playable: (bulletinId: number) => PlayableBulletin,
    private readonly logger: Logger,
  ) {}

  /** The end of the horizon: the start of the local day `horizonDays` after today. */
  horizonEnd(now: number): number {
    return DateTime.fromMillis(now, { zone: this.options.timezone }).startOf('day').plus({ days: this.options.horizonDays + 1 }).toMillis();
  }

  /** What a playlist or stream plays, resolved now (only approved bulletins with a delivery file). */
  resolveItems(input: Pick<ScheduleInput, 'bulletinIds' | 'stream'>): { items: OccurrenceItem[]; durationMs: number } {
    if (input.stream) {
      return { items: [{ source: { type: 'stream', url: input.stream.url }, durationMs: input.stream.durationMs }], durationMs: input.stream.durationMs };
    }
    const items = input.bulletinIds.map((id): OccurrenceItem => {
      const b = this.playable(id);
      return {
        source: { type: 'media', sha256: b.asset.sha256, url: b.asset.url, sizeBytes: b.asset.sizeBytes },
        durationMs: b.asset.durationMs,
        title: b.title,
        bulletinId: b.id,
      };
    });
    return { items, durationMs: items.reduce((sum, i) => sum + i.durationMs, 0) };
  }

  /** Start instants within [from, to) with what plays; refuses runaway rules. */
  plan(input: ScheduleInput, from: number, to: number): Plan {
    const { items, durationMs } = this.resolveItems(input);
    const { starts, truncated } = expandTiming(input, from, to, MAX_OCCURRENCES_PER_SCHEDULE + 1);
    if (truncated || starts.length > MAX_OCCURRENCES_PER_SCHEDULE) {
      throw new AppError('schedule_too_frequent', { max: MAX_OCCURRENCES_PER_SCHEDULE, days: Math.round((to - from) / 86_400_000) });
    }
    return { starts, durationMs, items };
  }

  /** Brings the schedule's future occurrences in line with its rule. Returns whether anything changed. */
  sync(schedule: ScheduleRecord, now: number, plan?: Plan): boolean {
    let desired: Plan = { starts: [], durationMs: 0, items: [] };
    if (schedule.deletedAt === null) {
      try {
        desired = plan ?? this.plan(schedule, now, this.horizonEnd(now));
      } catch (err) {
        // A bulletin withdrawn from air (archived, no longer approved) withdraws its airings.
        if (!(err instanceof AppError)) throw err;
        this.logger.warn({ scheduleId: schedule.id, code: err.code }, 'schedule can no longer be expanded; future airings withdrawn');
      }
    }
    const existing = this.sqlite
      .prepare('SELECT id, start_at, duration_ms, class, status, items FROM occurrences WHERE schedule_id = ? AND start_at >= ?')
      .all(schedule.id, now) as { id: number; start_at: number; duration_ms: number; class: string; status: string; items: string }[];
    const byStart = new Map(existing.map((e) => [e.start_at, e]));
    const itemsJson = JSON.stringify(desired.items);
    const insert = this.sqlite.prepare(
      `INSERT INTO occurrences (schedule_id, start_at, end_at, duration_ms, class, status, items, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'planned', ?, ?, ?)`,
    );
    const update = this.sqlite.prepare(`UPDATE occurrences SET end_at = ?, duration_ms = ?, class = ?, status = 'planned', items = ?, updated_at = ? WHERE id = ?`);
    const withdraw = this.sqlite.prepare(`UPDATE occurrences SET status = 'withdrawn', updated_at = ? WHERE id = ?`);
    let changed = false;
    this.sqlite.transaction(() => {
      const wanted = new Set(desired.starts);
      for (const start of desired.starts) {
        const row = byStart.get(start);
        if (!row) {
          insert.run(schedule.id, start, start + desired.durationMs, desired.durationMs, schedule.class, itemsJson, now, now);
          changed = true;
        } else if (row.status !== 'planned' || row.duration_ms !== desired.durationMs || row.class !== schedule.class || row.items !== itemsJson) {
          update.run(start + desired.durationMs, desired.durationMs, schedule.class, itemsJson, now, row.id);
          changed = true;
        }
      }
      for (const row of existing) {
        if (row.status === 'planned' && !wanted.has(row.start_at)) {
          withdraw.run(now, row.id);
          changed = true;
        }
      }
    })();
    return changed;
  }

  /** The horizon roll: every live schedule expanded to the current horizon. Returns the ids that changed. */
  roll(now: number): number[] {
    const changed: number[] = [];
    for (const schedule of this.repo.active()) {
      try {
        if (this.sync(schedule, now)) changed.push(schedule.id);
      } catch (err) {
        this.logger.error({ err, scheduleId: schedule.id }, 'horizon roll failed for a schedule');
      }
    }
    return changed;
  }
}
