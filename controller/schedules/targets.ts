// Schedule targets: any mix of administrative units (province, district, commune), named device
// groups and single clusters. Resolves them to the administrative unit each one belongs to (for
// scope checks and the schedule's owner) and to the set of clusters they cover.
import type Database from 'better-sqlite3';
import { AppError } from '../errors.js';
import type { AdminUnitIndex } from '../registry/admin-units.js';

export interface ScheduleTargets {
  areas: string[];
  groups: number[];
  devices: string[];
}

export interface TargetUnit {
  type: 'admin_unit' | 'device_group' | 'device';
  id: string | number;
  areaCode: string;
}

export class TargetResolver {
  private readonly groupArea: Database.Statement;
  private readonly deviceCommune: Database.Statement;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly units: AdminUnitIndex,
  ) {
    this.groupArea = sqlite.prepare('SELECT area_code FROM device_groups WHERE id = ?');
    this.deviceCommune = sqlite.prepare('SELECT s.commune_code FROM devices d JOIN stations s ON s.id = d.station_id WHERE d.id = ?');
  }

  /** The unit of every target (unknown ones refused with 404), for `assertInScope`. */
  unitsOf(targets: ScheduleTargets): TargetUnit[] {
    const out: TargetUnit[] = [];
    for (const code of targets.areas) {
      if (!this.units.get(code)) throw new AppError('unknown_admin_unit', { code });
      out.push({ type: 'admin_unit', id: code, areaCode: code });
    }
    for (const id of targets.groups) {
      const row = this.groupArea.get(id) as { area_code: string } | undefined;
      if (!row) throw new AppError('group_not_found', { id });
      out.push({ type: 'device_group', id, areaCode: row.area_code });
    }
    for (const id of targets.devices) {
      const row = this.deviceCommune.get(id) as { commune_code: string } | undefined;
      if (!row) throw new AppError('device_not_found', { id });
      out.push({ type: 'device', id, areaCode: row.commune_code });
    }
    return out;
  }

  /** The narrowest unit that contains every target unit: the schedule's owner. */
  owner(codes: readonly string[]): string {
    const chains = codes.map((code) => {
      const u = this.units.get(code)!;
      return [u.provinceCode, u.districtCode, u.level === 'commune' ? u.code : null].filter((c): c is string => !!c).filter((c, i, all) => all.indexOf(c) === i);
    });
    let common = chains[0] ?? [];
    for (const chain of chains.slice(1)) {
      let i = 0;
      while (i < common.length && i < chain.length && common[i] === chain[i]) i++;
      common = common.slice(0, i);
    }
    return common[common.length - 1] ?? chains[0]?.[0] ?? '';
  }

  /** Every enabled cluster the targets cover. */
  devices(targets: ScheduleTargets): Set<string> {
    const out = new Set<string>();
    if (targets.areas.length > 0) {
      const marks = targets.areas.map(() => '?').join(',');
      const rows = this.sqlite
        .prepare(
          `SELECT d.id FROM devices d JOIN stations s ON s.id = d.station_id JOIN admin_units u ON u.code = s.commune_code
           WHERE d.disabled = 0 AND (u.code IN (${marks}) OR u.district_code IN (${marks}) OR u.province_code IN (${marks}))`,
        )
        .all(...targets.areas, ...targets.areas, ...targets.areas) as { id: string }[];
      for (const r of rows) out.add(r.id);
    }
    if (targets.groups.length > 0) {
      const rows = this.sqlite
        .prepare(
          `SELECT m.device_id AS id FROM device_group_members m JOIN devices d ON d.id = m.device_id
           WHERE d.disabled = 0 AND m.group_id IN (${targets.groups.map(() => '?').join(',')})`,
        )
        .all(...targets.groups) as { id: string }[];
      for (const r of rows) out.add(r.id);
    }
    if (targets.devices.length > 0) {
      const rows = this.sqlite
        .prepare(`SELECT id FROM devices WHERE disabled = 0 AND id IN (${targets.devices.map(() => '?').join(',')})`)
        .all(...targets.devices) as { id: string }[];
      for (const r of rows) out.add(r.id);
    }
    return out;
  }
}
