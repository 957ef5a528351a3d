// Queries for schedules, their playlists and targets, and their occurrences. No rules here: see
// schedules.service.ts and occurrences.service.ts.
import type Database from 'better-sqlite3';
import type { PriorityClass } from '../../shared/index.js';
import type { OccurrenceItem } from '../broadcasts/programme.js';
import type { ScheduleTargets } from './targets.js';
import type { Timing } from './timing.js';

export interface ScheduleInput {
  title: string;
  ownerAreaCode: string;
  class: PriorityClass;
  volume: number | null;
  timezone: string;
  timing: Timing;
  validFrom: string | null;
  validTo: string | null;
  bulletinIds: number[];
  stream: { url: string; durationMs: number } | null;
  targets: ScheduleTargets;
}

export interface ScheduleRecord extends ScheduleInput {
  id: number;
  createdBy: number | null;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
}

export interface OccurrenceRow {
  id: number;
  scheduleId: number;
  startAt: number;
  endAt: number;
  durationMs: number;
  class: PriorityClass;
  status: 'planned' | 'withdrawn';
  items: OccurrenceItem[];
}

interface ScheduleRow {
  id: number;
  title: string;
  owner_area_code: string;
  class: PriorityClass;
  volume: number | null;
  timezone: string;
  timing_kind: Timing['kind'];
  timing: string;
  valid_from: string | null;
  valid_to: string | null;
  source_kind: 'playlist' | 'stream';
  stream_url: string | null;
  stream_duration_ms: number | null;
  created_by: number | null;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

const OCC_COLUMNS = 'id, schedule_id AS scheduleId, start_at AS startAt, end_at AS endAt, duration_ms AS durationMs, class, status, items';

export class SchedulesRepo {
  constructor(private readonly sqlite: Database.Database) {}

  insert(input: ScheduleInput, createdBy: number | null, now: number): number {
    return this.sqlite.transaction(() => {
      const { lastInsertRowid } = this.sqlite
        .prepare(
          `INSERT INTO schedules (title, owner_area_code, class, volume, timezone, timing_kind, timing, valid_from, valid_to, source_kind, stream_url, stream_duration_ms, created_by, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(...this.columns(input), createdBy, now, now);
      const id = Number(lastInsertRowid);
      this.writeChildren(id, input);
      return id;
    })();
  }

  update(id: number, input: ScheduleInput, now: number): void {
    this.sqlite.transaction(() => {
      this.sqlite
        .prepare(
          `UPDATE schedules SET title = ?, owner_area_code = ?, class = ?, volume = ?, timezone = ?, timing_kind = ?, timing = ?, valid_from = ?, valid_to = ?,
           source_kind = ?, stream_url = ?, stream_duration_ms = ?, updated_at = ? WHERE id = ?`,
        )
        .run(...this.columns(input), now, id);
      this.sqlite.prepare('DELETE FROM schedule_items WHERE schedule_id = ?').run(id);
      this.sqlite.prepare('DELETE FROM schedule_targets WHERE schedule_id = ?').run(id);
      this.writeChildren(id, input);
    })();
  }

  softDelete(id: number, now: number): void {
    this.sqlite.prepare('UPDATE schedules SET deleted_at = ?, updated_at = ? WHERE id = ?').run(now, now, id);
  }

  get(id: number): ScheduleRecord | undefined {
    const row = this.sqlite.prepare('SELECT * FROM schedules WHERE id = ?').get(id) as ScheduleRow | undefined;
    return row ? this.hydrate([row])[0] : undefined;
  }

  /** Schedules not deleted, optionally of one class. */
  active(cls?: PriorityClass): ScheduleRecord[] {
    const rows = (cls
      ? this.sqlite.prepare('SELECT * FROM schedules WHERE deleted_at IS NULL AND class = ?').all(cls)
      : this.sqlite.prepare('SELECT * FROM schedules WHERE deleted_at IS NULL').all()) as ScheduleRow[];
    return this.hydrate(rows);
  }

  /**
   * Schedules visible from a scope: owned inside it, or targeting the scope's own unit or one
   * above it (a district programme plays in the commune that reads it).
   */
  listVisible(scopeCodes: { within: string; ancestors: string[] }, filter: { includeDeleted: boolean; limit: number; offset: number }): { items: ScheduleRecord[]; total: number } {
    const marks = scopeCodes.ancestors.map(() => '?').join(',') || "''";
    const where = `(u.code = ? OR u.district_code = ? OR u.province_code = ?
      OR EXISTS (SELECT 1 FROM schedule_targets t WHERE t.schedule_id = s.id AND t.kind = 'area' AND t.ref IN (${marks})))
      ${filter.includeDeleted ? '' : 'AND s.deleted_at IS NULL'}`;
    const args = [scopeCodes.within, scopeCodes.within, scopeCodes.within, ...scopeCodes.ancestors];
    const from = 'FROM schedules s JOIN admin_units u ON u.code = s.owner_area_code';
    const rows = this.sqlite.prepare(`SELECT s.* ${from} WHERE ${where} ORDER BY s.id DESC LIMIT ? OFFSET ?`).all(...args, filter.limit, filter.offset) as ScheduleRow[];
    const total = (this.sqlite.prepare(`SELECT COUNT(*) AS n ${from} WHERE ${where}`).get(...args) as { n: number }).n;
    return { items: this.hydrate(rows), total };
  }

  occurrencesOf(scheduleId: number, from: number, to: number, status: 'planned' | 'any' = 'planned'): OccurrenceRow[] {
    const rows = this.sqlite
      .prepare(`SELECT ${OCC_COLUMNS} FROM occurrences WHERE schedule_id = ? AND end_at > ? AND start_at < ? ${status === 'planned' ? "AND status = 'planned'" : ''} ORDER BY start_at`)
      .all(scheduleId, from, to) as (Omit<OccurrenceRow, 'items'> & { items: string })[];
    return rows.map((r) => ({ ...r, items: JSON.parse(r.items) as OccurrenceItem[] }));
  }

  occurrence(id: number): OccurrenceRow | undefined {
    const r = this.sqlite.prepare(`SELECT ${OCC_COLUMNS} FROM occurrences WHERE id = ?`).get(id) as (Omit<OccurrenceRow, 'items'> & { items: string }) | undefined;
    return r ? { ...r, items: JSON.parse(r.items) as OccurrenceItem[] } : undefined;
  }

  /** Planned occurrences of every live schedule that overlap [from, to). */
  plannedBetween(from: number, to: number): (OccurrenceRow & { title: string; volume: number | null })[] {
    const rows = this.sqlite
      .prepare(
        `SELECT o.id, o.schedule_id AS scheduleId, o.start_at AS startAt, o.end_at AS endAt, o.duration_ms AS durationMs, o.class, o.status, o.items, s.title, s.volume
         FROM occurrences o JOIN schedules s ON s.id = o.schedule_id
         WHERE o.status = 'planned' AND s.deleted_at IS NULL AND o.end_at > ? AND o.start_at < ?`,
      )
      .all(from, to) as (Omit<OccurrenceRow, 'items'> & { items: string; title: string; volume: number | null })[];
    return rows.map((r) => ({ ...r, items: JSON.parse(r.items) as OccurrenceItem[] }));
  }

  private columns(input: ScheduleInput): (string | number | null)[] {
    return [
      input.title,
      input.ownerAreaCode,
      input.class,
      input.volume,
      input.timezone,
      input.timing.kind,
      JSON.stringify(input.timing),
      input.validFrom,
      input.validTo,
      input.stream ? 'stream' : 'playlist',
      input.stream?.url ?? null,
      input.stream?.durationMs ?? null,
    ];
  }

  private writeChildren(id: number, input: ScheduleInput): void {
    const item = this.sqlite.prepare('INSERT INTO schedule_items (schedule_id, position, bulletin_id) VALUES (?, ?, ?)');
    input.bulletinIds.forEach((b, i) => {
      item.run(id, i, b);
    });
    const target = this.sqlite.prepare('INSERT OR IGNORE INTO schedule_targets (schedule_id, kind, ref) VALUES (?, ?, ?)');
    for (const a of input.targets.areas) target.run(id, 'area', a);
    for (const g of input.targets.groups) target.run(id, 'group', String(g));
    for (const d of input.targets.devices) target.run(id, 'device', d);
  }

  private hydrate(rows: ScheduleRow[]): ScheduleRecord[] {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const marks = ids.map(() => '?').join(',');
    const items = this.sqlite.prepare(`SELECT schedule_id, bulletin_id FROM schedule_items WHERE schedule_id IN (${marks}) ORDER BY schedule_id, position`).all(...ids) as { schedule_id: number; bulletin_id: number }[];
    const targets = this.sqlite.prepare(`SELECT schedule_id, kind, ref FROM schedule_targets WHERE schedule_id IN (${marks}) ORDER BY kind, ref`).all(...ids) as { schedule_id: number; kind: string; ref: string }[];
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      ownerAreaCode: r.owner_area_code,
      class: r.class,
      volume: r.volume,
      timezone: r.timezone,
      timing: { kind: r.timing_kind, ...JSON.parse(r.timing) } as Timing,
      validFrom: r.valid_from,
      validTo: r.valid_to,
      bulletinIds: items.filter((i) => i.schedule_id === r.id).map((i) => i.bulletin_id),
      stream: r.source_kind === 'stream' ? { url: r.stream_url!, durationMs: r.stream_duration_ms! } : null,
      targets: {
        areas: targets.filter((t) => t.schedule_id === r.id && t.kind === 'area').map((t) => t.ref),
        groups: targets.filter((t) => t.schedule_id === r.id && t.kind === 'group').map((t) => Number(t.ref)),
        devices: targets.filter((t) => t.schedule_id === r.id && t.kind === 'device').map((t) => t.ref),
      },
      createdBy: r.created_by,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      deletedAt: r.deleted_at,
    }));
  }
}
