// An in-memory index of the administrative tree (a province has ~100 units, the country ~10,000):
// scope checks on every request are map lookups, not queries.
import type { LoaDatabase } from '../db/client.js';
import { type AdminLevel, adminUnits } from '../db/schema/registry.js';

export interface AdminUnit {
  code: string;
  name: string;
  typeLabel: string;
  level: AdminLevel;
  parentCode: string | null;
  provinceCode: string;
  districtCode: string | null;
  validTo: string | null;
}

export class AdminUnitIndex {
  private byCode = new Map<string, AdminUnit>();
  private children = new Map<string, AdminUnit[]>();

  constructor(private readonly database: LoaDatabase) {}

  /** (Re)reads the table; call after seeding or a re-organisation. */
  reload(): void {
    const rows = this.database.db.select().from(adminUnits).all();
    this.byCode = new Map(rows.map((r) => [r.code, r]));
    this.children = new Map();
    for (const row of rows) {
      if (!row.parentCode) continue;
      const list = this.children.get(row.parentCode) ?? [];
      list.push(row);
      this.children.set(row.parentCode, list);
    }
  }

  get(code: string): AdminUnit | undefined {
    return this.byCode.get(code);
  }

  childrenOf(code: string): AdminUnit[] {
    return this.children.get(code) ?? [];
  }

  all(): AdminUnit[] {
    return [...this.byCode.values()];
  }

  /** True when `code` is `ancestor` itself or lies below it. */
  isWithin(ancestor: string, code: string): boolean {
    const unit = this.byCode.get(code);
    if (!unit) return false;
    return unit.code === ancestor || unit.districtCode === ancestor || unit.provinceCode === ancestor;
  }

  /** The codes a device in this commune listens to for area commands: commune, district, province. */
  areaCodesOf(communeCode: string): string[] {
    const unit = this.byCode.get(communeCode);
    if (!unit) return [];
    return [unit.code, unit.districtCode, unit.provinceCode].filter((c, i, all): c is string => !!c && all.indexOf(c) === i);
  }

  /** Human label, e.g. "Xã Bằng Thành (01858)". */
  label(code: string): string {
    const unit = this.byCode.get(code);
    return unit ? `${unit.name} (${code})` : code;
  }

  communesWithin(code: string): AdminUnit[] {
    return this.all().filter((u) => u.level === 'commune' && this.isWithin(code, u.code));
  }
}
