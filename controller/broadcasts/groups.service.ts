// Named device groups (e.g. "loa chợ" — the market clusters of a district) inside one area,
// usable as schedule targets. A group's members must lie inside its area; changing the members
// changes the manifests of the clusters that join or leave.
import type Database from 'better-sqlite3';
import { AppError } from '../errors.js';
import type { AdminUnitIndex } from '../registry/admin-units.js';
import type { ManifestService } from './manifests.service.js';

export interface GroupView {
  id: number;
  name: string;
  areaCode: string;
  deviceIds: string[];
  createdAt: number;
  updatedAt: number;
}

interface Row {
  id: number;
  name: string;
  area_code: string;
  created_at: number;
  updated_at: number;
}

export class GroupService {
  constructor(
    private readonly sqlite: Database.Database,
    private readonly units: AdminUnitIndex,
    private readonly manifests: ManifestService,
    private readonly clock: () => number,
  ) {}

  areaOf(id: number): string {
    const row = this.sqlite.prepare('SELECT area_code FROM device_groups WHERE id = ?').get(id) as { area_code: string } | undefined;
    if (!row) throw new AppError('group_not_found', { id });
    return row.area_code;
  }

  list(scopeCode: string): GroupView[] {
    const rows = this.sqlite
      .prepare(`SELECT g.* FROM device_groups g JOIN admin_units u ON u.code = g.area_code WHERE (u.code = ? OR u.district_code = ? OR u.province_code = ?) ORDER BY g.area_code, g.name`)
      .all(scopeCode, scopeCode, scopeCode) as Row[];
    return rows.map((r) => this.view(r));
  }

  get(id: number): GroupView {
    const row = this.sqlite.prepare('SELECT * FROM device_groups WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw new AppError('group_not_found', { id });
    return this.view(row);
  }

  create(input: { name: string; areaCode: string; deviceIds: string[] }, userId: number | null): GroupView {
    if (!this.units.get(input.areaCode)) throw new AppError('unknown_admin_unit', { code: input.areaCode });
    this.checkMembers(input.areaCode, input.deviceIds);
    const now = this.clock();
    const id = this.sqlite.transaction(() => {
      let result: Database.RunResult;
      try {
        result = this.sqlite.prepare('INSERT INTO device_groups (name, area_code, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(input.name.trim(), input.areaCode, userId, now, now);
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new AppError('duplicate_group_name', { name: input.name.trim() });
        throw err;
      }
      const gid = Number(result.lastInsertRowid);
      this.writeMembers(gid, input.deviceIds);
      return gid;
    })();
    return this.get(id);
  }

  update(id: number, patch: { name?: string; deviceIds?: string[] }): GroupView {
    const before = this.get(id);
    if (patch.deviceIds) this.checkMembers(before.areaCode, patch.deviceIds);
    this.sqlite.transaction(() => {
      if (patch.name !== undefined) {
        try {
          this.sqlite.prepare('UPDATE device_groups SET name = ?, updated_at = ? WHERE id = ?').run(patch.name.trim(), this.clock(), id);
        } catch (err) {
          if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new AppError('duplicate_group_name', { name: patch.name.trim() });
          throw err;
        }
      }
      if (patch.deviceIds) {
        this.sqlite.prepare('DELETE FROM device_group_members WHERE group_id = ?').run(id);
        this.writeMembers(id, patch.deviceIds);
        this.sqlite.prepare('UPDATE device_groups SET updated_at = ? WHERE id = ?').run(this.clock(), id);
      }
    })();
    if (patch.deviceIds) this.manifests.markDirty([...before.deviceIds, ...patch.deviceIds]);
    return this.get(id);
  }

  delete(id: number): GroupView {
    const before = this.get(id);
    const used = this.sqlite.prepare(`SELECT COUNT(*) AS n FROM schedule_targets t JOIN schedules s ON s.id = t.schedule_id WHERE t.kind = 'group' AND t.ref = ? AND s.deleted_at IS NULL`).get(String(id)) as { n: number };
    this.sqlite.transaction(() => {
      // A deleted group no longer targets anything; the schedules that named it keep their other targets.
      this.sqlite.prepare(`DELETE FROM schedule_targets WHERE kind = 'group' AND ref = ?`).run(String(id));
      this.sqlite.prepare('DELETE FROM device_groups WHERE id = ?').run(id);
    })();
    if (used.n > 0) this.manifests.markDirty(before.deviceIds);
    return before;
  }

  private checkMembers(areaCode: string, deviceIds: string[]): void {
    const commune = this.sqlite.prepare('SELECT s.commune_code FROM devices d JOIN stations s ON s.id = d.station_id WHERE d.id = ?').pluck();
    for (const id of deviceIds) {
      const code = commune.get(id) as string | undefined;
      if (!code) throw new AppError('device_not_found', { id });
      if (!this.units.isWithin(areaCode, code)) throw new AppError('group_member_outside', { id, area: this.units.label(areaCode) });
    }
  }

  private writeMembers(groupId: number, deviceIds: string[]): void {
    const insert = this.sqlite.prepare('INSERT OR IGNORE INTO device_group_members (group_id, device_id) VALUES (?, ?)');
    for (const d of deviceIds) insert.run(groupId, d);
  }

  private view(r: Row): GroupView {
    const deviceIds = this.sqlite.prepare('SELECT device_id FROM device_group_members WHERE group_id = ? ORDER BY device_id').pluck().all(r.id) as string[];
    return { id: r.id, name: r.name, areaCode: r.area_code, deviceIds, createdAt: r.created_at, updatedAt: r.updated_at };
  }
}
