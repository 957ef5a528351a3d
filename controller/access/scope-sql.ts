// Scope as a SQL condition on `admin_units`: every scoped read joins its rows to the unit they
// belong to and filters with this, so reads outside the caller's area never leave the database.
import { eq, type SQL, sql } from 'drizzle-orm';
import { adminUnits } from '../db/schema/registry.js';
import type { AdminUnitIndex } from '../registry/admin-units.js';

export function unitWithin(units: AdminUnitIndex, scopeCode: string): SQL {
  const unit = units.get(scopeCode);
  if (!unit) return sql`0`;
  if (unit.level === 'province') return eq(adminUnits.provinceCode, unit.code);
  if (unit.level === 'district') return eq(adminUnits.districtCode, unit.code);
  return eq(adminUnits.code, unit.code);
}
