// Proof of play read back: per occurrence and cluster, what was planned and what the agent
// reported (item rows aggregated), the commune's confirmation, and the day / week views and
// confirmation rates for an area. Queries only; the outcome rule is `outcomeOf`.
import type Database from 'better-sqlite3';

/** After the planned end plus this, an item nobody reported on counts as failed: device_offline. */
export const REPORT_GRACE_MS = 120_000;

export type Outcome = 'planned' | 'playing' | 'finished' | 'interrupted' | 'failed' | 'skipped';

export interface ItemRow {
  device_id: string;
  device_name: string;
  commune_code: string;
  occurrence_id: number;
  item_index: number;
  planned_start_at: number;
  duration_ms: number;
  status: string;
  started_at: number | null;
  ended_at: number | null;
  skew_ms: number | null;
  reason: string | null;
  interrupted_by: string | null;
}

export interface DeviceResult {
  deviceId: string;
  deviceName: string;
  communeCode: string;
  outcome: Outcome;
  reason: string | null;
  interruptedBy: unknown;
  plannedStartAt: number;
  startedAt: number | null;
  endedAt: number | null;
  skewMs: number | null;
}

/** One device's result for one occurrence, from its item rows (playlist pieces). */
export function outcomeOf(items: readonly ItemRow[], now: number): DeviceResult {
  const first = [...items].sort((a, b) => a.item_index - b.item_index)[0]!;
  const plannedEnd = Math.max(...items.map((i) => i.planned_start_at + i.duration_ms));
  const by = (s: string) => items.find((i) => i.status === s);
  let outcome: Outcome;
  let reason: string | null = null;
  let interruptedBy: unknown = null;
  const failed = by('failed');
  const interrupted = by('interrupted');
  if (failed) {
    outcome = 'failed';
    reason = failed.reason;
  } else if (interrupted) {
    outcome = 'interrupted';
    interruptedBy = interrupted.interrupted_by ? JSON.parse(interrupted.interrupted_by) : null;
  } else if (items.every((i) => i.status === 'skipped')) {
    outcome = 'skipped';
    reason = items[0]!.reason;
  } else if (items.every((i) => i.status === 'finished' || i.status === 'skipped')) {
    outcome = 'finished';
  } else if (items.some((i) => i.status !== 'planned')) {
    outcome = 'playing';
  } else if (now > plannedEnd + REPORT_GRACE_MS) {
    outcome = 'failed';
    reason = 'device_offline';
  } else {
    outcome = 'planned';
  }
  const started = items.map((i) => i.started_at).filter((x): x is number => x !== null);
  const ended = items.map((i) => i.ended_at).filter((x): x is number => x !== null);
  return {
    deviceId: first.device_id,
    deviceName: first.device_name,
    communeCode: first.commune_code,
    outcome,
    reason,
    interruptedBy,
    plannedStartAt: first.planned_start_at,
    startedAt: started.length ? Math.min(...started) : null,
    endedAt: ended.length ? Math.max(...ended) : null,
    skewMs: first.skew_ms,
  };
}

/** Groups item rows by occurrence, then device, into results. */
export function resultsByOccurrence(rows: readonly ItemRow[], now: number): Map<number, DeviceResult[]> {
  const grouped = new Map<number, Map<string, ItemRow[]>>();
  for (const r of rows) {
    let byDevice = grouped.get(r.occurrence_id);
    if (!byDevice) {
      byDevice = new Map();
      grouped.set(r.occurrence_id, byDevice);
    }
    const list = byDevice.get(r.device_id);
    if (list) list.push(r);
    else byDevice.set(r.device_id, [r]);
  }
  const out = new Map<number, DeviceResult[]>();
  for (const [occ, byDevice] of grouped) out.set(occ, [...byDevice.values()].map((items) => outcomeOf(items, now)).sort((a, b) => a.deviceName.localeCompare(b.deviceName)));
  return out;
}

const ITEM_COLUMNS = `r.device_id, d.name AS device_name, r.commune_code, r.occurrence_id, r.item_index, r.planned_start_at, r.duration_ms, r.status,
  r.started_at, r.ended_at, r.skew_ms, r.reason, r.interrupted_by`;
/** Scope as SQL on admin_units `u` (any level: the code, its district or its province). */
const IN_AREA = '(u.code = ? OR u.district_code = ? OR u.province_code = ?)';

export interface OccurrenceHead {
  id: number;
  scheduleId: number;
  title: string;
  class: string;
  startAt: number;
  endAt: number;
  status: string;
}

export class ResultsRepo {
  constructor(private readonly sqlite: Database.Database) {}

  /** Item rows of one occurrence on the clusters within an area. */
  itemsOfOccurrence(occurrenceId: number, areaCode: string): ItemRow[] {
    return this.sqlite
      .prepare(
        `SELECT ${ITEM_COLUMNS} FROM playback_results r JOIN devices d ON d.id = r.device_id JOIN admin_units u ON u.code = r.commune_code
         WHERE r.occurrence_id = ? AND r.status <> 'withdrawn' AND ${IN_AREA}`,
      )
      .all(occurrenceId, areaCode, areaCode, areaCode) as ItemRow[];
  }

  /** Item rows planned within [from, to) on clusters within an area. */
  itemsBetween(areaCode: string, from: number, to: number): ItemRow[] {
    return this.sqlite
      .prepare(
        `SELECT ${ITEM_COLUMNS} FROM playback_results r JOIN devices d ON d.id = r.device_id JOIN admin_units u ON u.code = r.commune_code
         WHERE r.planned_start_at >= ? AND r.planned_start_at < ? AND r.status <> 'withdrawn' AND ${IN_AREA}`,
      )
      .all(from, to, areaCode, areaCode, areaCode) as ItemRow[];
  }

  /** Item rows of one cluster planned within [from, to) (its proof of play), oldest first. */
  itemsOfDevice(deviceId: string, from: number, to: number): ItemRow[] {
    return this.sqlite
      .prepare(
        `SELECT ${ITEM_COLUMNS} FROM playback_results r JOIN devices d ON d.id = r.device_id
         WHERE r.device_id = ? AND r.planned_start_at >= ? AND r.planned_start_at < ? AND r.status <> 'withdrawn' ORDER BY r.planned_start_at, r.item_index`,
      )
      .all(deviceId, from, to) as ItemRow[];
  }

  heads(ids: readonly number[]): Map<number, OccurrenceHead> {
    if (ids.length === 0) return new Map();
    const rows = this.sqlite
      .prepare(
        `SELECT o.id, o.schedule_id AS scheduleId, s.title, o.class, o.start_at AS startAt, o.end_at AS endAt, o.status
         FROM occurrences o JOIN schedules s ON s.id = o.schedule_id WHERE o.id IN (${ids.map(() => '?').join(',')})`,
      )
      .all(...ids) as OccurrenceHead[];
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Confirmations for occurrences, keyed `${occurrenceId}:${communeCode}`. */
  confirmations(ids: readonly number[]): Map<string, { status: string; note: string | null; at: number; userId: number | null; userName: string | null }> {
    if (ids.length === 0) return new Map();
    const rows = this.sqlite
      .prepare(
        `SELECT c.occurrence_id, c.commune_code, c.status, c.note, c.at, c.user_id, us.display_name FROM confirmations c LEFT JOIN users us ON us.id = c.user_id
         WHERE c.occurrence_id IN (${ids.map(() => '?').join(',')})`,
      )
      .all(...ids) as { occurrence_id: number; commune_code: string; status: string; note: string | null; at: number; user_id: number | null; display_name: string | null }[];
    return new Map(rows.map((r) => [`${r.occurrence_id}:${r.commune_code}`, { status: r.status, note: r.note, at: r.at, userId: r.user_id, userName: r.display_name }]));
  }

  ownerOf(scheduleId: number): string | undefined {
    return this.sqlite.prepare('SELECT owner_area_code FROM schedules WHERE id = ?').pluck().get(scheduleId) as string | undefined;
  }

  /** Whether the occurrence was planned on any cluster of the commune. */
  plannedInCommune(occurrenceId: number, communeCode: string): boolean {
    return this.sqlite.prepare(`SELECT 1 FROM playback_results WHERE occurrence_id = ? AND commune_code = ? AND status <> 'withdrawn' LIMIT 1`).get(occurrenceId, communeCode) !== undefined;
  }

  /** Playback start skew (ms) of scheduled items started within [from, to), for reports and the bench. */
  skews(areaCode: string, from: number, to: number): number[] {
    return (
      this.sqlite
        .prepare(
          `SELECT r.skew_ms FROM playback_results r JOIN admin_units u ON u.code = r.commune_code
           WHERE r.skew_ms IS NOT NULL AND r.planned_start_at >= ? AND r.planned_start_at < ? AND ${IN_AREA}`,
        )
        .pluck()
        .all(from, to, areaCode, areaCode, areaCode) as number[]
    ).sort((a, b) => a - b);
  }
}
