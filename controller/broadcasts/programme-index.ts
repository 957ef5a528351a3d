// Everything a manifest rebuild needs, loaded once per rebuild: the planned occurrences in the
// manifest window grouped by schedule, which schedules target which area / group / device, group
// memberships, the communes' priority orders and the enabled clusters. A device's programme is
// then a few map lookups — a change costs O(devices affected + occurrences), never a query per
// device per schedule. Only the clusters asked for are loaded: a cluster coming online without a
// manifest rebuilds its own, and loading all 20,000 for each made a reconnect storm O(N²)
// (minutes of CPU for 10,000 clusters in the fleet benchmark, docs/bench.md).
import type Database from 'better-sqlite3';
import type { SchedulesRepo } from '../schedules/schedules.repo.js';
import type { ProgrammeOccurrence } from './programme.js';

export interface DeviceInfo {
  id: string;
  communeCode: string;
  districtCode: string | null;
  provinceCode: string;
}

/** Which clusters to load: all enabled ones, a few by id, or one commune's. */
export type DeviceSelection = { all: true } | { ids: ReadonlySet<string> } | { communeCode: string };

const DEVICE_COLUMNS = `SELECT d.id, s.commune_code AS communeCode, u.district_code AS districtCode, u.province_code AS provinceCode
  FROM devices d JOIN stations s ON s.id = d.station_id JOIN admin_units u ON u.code = s.commune_code WHERE d.disabled = 0`;

const add = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

export class ProgrammeIndex {
  private readonly bySchedule = new Map<number, ProgrammeOccurrence[]>();
  private readonly byArea = new Map<string, number[]>();
  private readonly byGroup = new Map<number, number[]>();
  private readonly byDevice = new Map<string, number[]>();
  private readonly groupsOf = new Map<string, number[]>();
  private readonly ranks = new Map<string, Map<number, number>>();
  readonly devices: DeviceInfo[];

  constructor(sqlite: Database.Database, repo: SchedulesRepo, from: number, to: number, selection: DeviceSelection = { all: true }) {
    for (const o of repo.plannedBetween(from, to)) {
      add(this.bySchedule, o.scheduleId, { id: o.id, scheduleId: o.scheduleId, title: o.title, startAt: o.startAt, durationMs: o.durationMs, class: o.class, volume: o.volume, items: o.items });
    }
    const targets = sqlite
      .prepare(`SELECT t.schedule_id AS sid, t.kind, t.ref FROM schedule_targets t JOIN schedules s ON s.id = t.schedule_id WHERE s.deleted_at IS NULL`)
      .all() as { sid: number; kind: string; ref: string }[];
    for (const t of targets) {
      if (!this.bySchedule.has(t.sid)) continue;
      if (t.kind === 'area') add(this.byArea, t.ref, t.sid);
      else if (t.kind === 'group') add(this.byGroup, Number(t.ref), t.sid);
      else add(this.byDevice, t.ref, t.sid);
    }
    for (const m of sqlite.prepare('SELECT group_id, device_id FROM device_group_members').all() as { group_id: number; device_id: string }[]) {
      add(this.groupsOf, m.device_id, m.group_id);
    }
    const rankRows = sqlite
      .prepare(`SELECT p.commune_code, p.occurrence_id, p.rank FROM priority_orders p JOIN occurrences o ON o.id = p.occurrence_id WHERE o.end_at > ?`)
      .all(from) as { commune_code: string; occurrence_id: number; rank: number }[];
    for (const r of rankRows) {
      const m = this.ranks.get(r.commune_code);
      if (m) m.set(r.occurrence_id, r.rank);
      else this.ranks.set(r.commune_code, new Map([[r.occurrence_id, r.rank]]));
    }
    this.devices = loadDevices(sqlite, selection);
  }

  /** The occurrences that target this device, each once however many ways it is targeted. */
  occurrencesFor(device: DeviceInfo): ProgrammeOccurrence[] {
    const ids = new Set<number>();
    const collect = (list: number[] | undefined) => {
      if (list) for (const id of list) ids.add(id);
    };
    collect(this.byArea.get(device.communeCode));
    if (device.districtCode) collect(this.byArea.get(device.districtCode));
    collect(this.byArea.get(device.provinceCode));
    for (const g of this.groupsOf.get(device.id) ?? []) collect(this.byGroup.get(g));
    collect(this.byDevice.get(device.id));
    const out: ProgrammeOccurrence[] = [];
    for (const id of ids) out.push(...(this.bySchedule.get(id) ?? []));
    return out;
  }

  ranksFor(communeCode: string): ReadonlyMap<number, number> {
    return this.ranks.get(communeCode) ?? new Map();
  }
}

function loadDevices(sqlite: Database.Database, selection: DeviceSelection): DeviceInfo[] {
  if ('communeCode' in selection) return sqlite.prepare(`${DEVICE_COLUMNS} AND s.commune_code = ?`).all(selection.communeCode) as DeviceInfo[];
  if ('ids' in selection) {
    const one = sqlite.prepare(`${DEVICE_COLUMNS} AND d.id = ?`);
    const out: DeviceInfo[] = [];
    for (const id of selection.ids) {
      const row = one.get(id) as DeviceInfo | undefined;
      if (row) out.push(row);
    }
    return out;
  }
  return sqlite.prepare(DEVICE_COLUMNS).all() as DeviceInfo[];
}
