// What people read about broadcasts: one occurrence per cluster, a commune's day (for the
// operator's confirmation), an area's day summary and week view (the console), and confirmation
// rates (province and district). Plus the operator's confirmation itself.
import type Database from 'better-sqlite3';
import { DateTime } from 'luxon';
import { AppError } from '../errors.js';
import type { AdminUnitIndex } from '../registry/admin-units.js';
import { type DeviceResult, type OccurrenceHead, type Outcome, type ResultsRepo, resultsByOccurrence } from './results.repo.js';

export interface OccurrenceView extends OccurrenceHead {
  devices: DeviceResult[];
  counts: Record<Outcome, number>;
  /** Per commune where it played: the operator's confirmation, if any. */
  confirmations: { communeCode: string; status: string; note: string | null; at: number; userName: string | null }[];
}

const emptyCounts = (): Record<Outcome, number> => ({ planned: 0, playing: 0, finished: 0, interrupted: 0, failed: 0, skipped: 0 });

export class BroadcastViews {
  constructor(
    private readonly sqlite: Database.Database,
    private readonly repo: ResultsRepo,
    private readonly units: AdminUnitIndex,
    private readonly timezone: string,
    private readonly clock: () => number,
  ) {}

  dayBounds(day: string | undefined): { from: number; to: number; day: string } {
    const d = day ? DateTime.fromISO(day, { zone: this.timezone }) : DateTime.fromMillis(this.clock(), { zone: this.timezone });
    if (!d.isValid) throw new AppError('invalid_timing', { detail: `"${day}" is not a date YYYY-MM-DD` });
    const start = d.startOf('day');
    return { from: start.toMillis(), to: start.plus({ days: 1 }).toMillis(), day: start.toISODate()! };
  }

  occurrence(occurrenceId: number, areaCode: string): OccurrenceView {
    const head = this.repo.heads([occurrenceId]).get(occurrenceId);
    if (!head) throw new AppError('occurrence_not_found', { id: occurrenceId });
    const rows = this.repo.itemsOfOccurrence(occurrenceId, areaCode);
    // Visible when it played in the reader's area or belongs to it; otherwise refused, not emptied.
    const owner = this.repo.ownerOf(head.scheduleId);
    if (rows.length === 0 && owner && !this.units.isWithin(areaCode, owner)) {
      throw new AppError('forbidden_scope', { target: this.units.label(owner), scope: this.units.label(areaCode) });
    }
    return this.views(rows, [head])[0]!;
  }

  /** Occurrences planned within [from, to) on clusters within the area, with per-cluster results. */
  between(areaCode: string, from: number, to: number): OccurrenceView[] {
    const rows = this.repo.itemsBetween(areaCode, from, to);
    const ids = [...new Set(rows.map((r) => r.occurrence_id))];
    const heads = this.repo.heads(ids);
    return this.views(rows, [...heads.values()]).sort((a, b) => a.startAt - b.startAt || a.id - b.id);
  }

  /** One cluster's airings planned within [from, to): the outcome of each, and each playlist piece. */
  deviceAirings(deviceId: string, from: number, to: number) {
    const rows = this.repo.itemsOfDevice(deviceId, from, to);
    const results = resultsByOccurrence(rows, this.clock());
    const heads = this.repo.heads([...results.keys()]);
    return [...results.entries()]
      .map(([id, [result]]) => {
        const head = heads.get(id);
        const items = rows.filter((r) => r.occurrence_id === id);
        return {
          occurrenceId: id,
          scheduleId: head?.scheduleId ?? null,
          title: head?.title ?? '',
          class: head?.class ?? 'normal',
          plannedEndAt: Math.max(...items.map((i) => i.planned_start_at + i.duration_ms)),
          ...result!,
          items: items.map((i) => ({ index: i.item_index, status: i.status, plannedStartAt: i.planned_start_at, durationMs: i.duration_ms, startedAt: i.started_at, endedAt: i.ended_at, reason: i.reason })),
        };
      })
      .sort((a, b) => a.plannedStartAt - b.plannedStartAt || a.occurrenceId - b.occurrenceId);
  }

  /** Today's (or a day's) broadcasts for an area, counted: planned / aired / failed / confirmed. */
  summary(areaCode: string, day?: string) {
    const bounds = this.dayBounds(day);
    const list = this.between(areaCode, bounds.from, bounds.to);
    const devices = emptyCounts();
    let confirmedHeard = 0;
    let flagged = 0;
    let communePairs = 0;
    for (const o of list) {
      for (const d of o.devices) devices[d.outcome]++;
      communePairs += new Set(o.devices.map((d) => d.communeCode)).size;
      confirmedHeard += o.confirmations.filter((c) => c.status === 'heard').length;
      flagged += o.confirmations.filter((c) => c.status === 'problem').length;
    }
    return {
      areaCode,
      day: bounds.day,
      occurrences: list.length,
      deviceAirings: { ...devices, total: Object.values(devices).reduce((a, b) => a + b, 0), aired: devices.finished + devices.playing + devices.interrupted },
      communeAirings: communePairs,
      confirmed: confirmedHeard,
      flagged,
    };
  }

  /** Confirmation rates per commune within the area, over occurrences that started in [from, to). */
  confirmationRates(areaCode: string, from: number, to: number) {
    const now = this.clock();
    const list = this.between(areaCode, from, Math.min(to, now));
    const per = new Map<string, { due: number; heard: number; problem: number }>();
    for (const o of list) {
      if (o.startAt > now) continue;
      const communes = new Set(o.devices.map((d) => d.communeCode));
      for (const c of communes) {
        const entry = per.get(c) ?? { due: 0, heard: 0, problem: 0 };
        entry.due++;
        const conf = o.confirmations.find((x) => x.communeCode === c);
        if (conf?.status === 'heard') entry.heard++;
        if (conf?.status === 'problem') entry.problem++;
        per.set(c, entry);
      }
    }
    const communes = [...per.entries()]
      .map(([code, e]) => ({ communeCode: code, communeName: this.units.get(code)?.name ?? code, districtCode: this.units.get(code)?.districtCode ?? null, ...e, rate: e.due ? (e.heard + e.problem) / e.due : 0 }))
      .sort((a, b) => a.communeCode.localeCompare(b.communeCode));
    const total = communes.reduce((t, c) => ({ due: t.due + c.due, heard: t.heard + c.heard, problem: t.problem + c.problem }), { due: 0, heard: 0, problem: 0 });
    return { areaCode, from, to, communes, totals: { ...total, rate: total.due ? (total.heard + total.problem) / total.due : 0 } };
  }

  /** A commune operator confirms an occurrence was heard, or flags a problem with a note. */
  confirm(occurrenceId: number, communeCode: string, status: 'heard' | 'problem', note: string | null, userId: number | null) {
    const head = this.repo.heads([occurrenceId]).get(occurrenceId);
    if (!head) throw new AppError('occurrence_not_found', { id: occurrenceId });
    if (!this.repo.plannedInCommune(occurrenceId, communeCode)) throw new AppError('occurrence_not_in_commune', { id: occurrenceId, commune: this.units.label(communeCode) });
    if (head.startAt > this.clock()) throw new AppError('occurrence_not_aired_yet', { id: occurrenceId });
    const now = this.clock();
    this.sqlite
      .prepare(
        `INSERT INTO confirmations (occurrence_id, commune_code, status, note, user_id, at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(occurrence_id, commune_code) DO UPDATE SET status = excluded.status, note = excluded.note, user_id = excluded.user_id, at = excluded.at`,
      )
      .run(occurrenceId, communeCode, status, note, userId, now);
    return { occurrenceId, communeCode, status, note, at: now };
  }

  private views(rows: Parameters<typeof resultsByOccurrence>[0], heads: OccurrenceHead[]): OccurrenceView[] {
    const now = this.clock();
    const results = resultsByOccurrence(rows, now);
    const confirmations = this.repo.confirmations(heads.map((h) => h.id));
    return heads.map((h) => {
      const devices = results.get(h.id) ?? [];
      const counts = emptyCounts();
      for (const d of devices) counts[d.outcome]++;
      const communes = [...new Set(devices.map((d) => d.communeCode))].sort();
      return {
        ...h,
        devices,
        counts,
        confirmations: communes.flatMap((c) => {
          const x = confirmations.get(`${h.id}:${c}`);
          return x ? [{ communeCode: c, status: x.status, note: x.note, at: x.at, userName: x.userName }] : [];
        }),
      };
    });
  }
}
