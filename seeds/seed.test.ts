import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, runMigrations, type LoaDatabase } from '../controller/db/client.js';
import { stations } from '../controller/db/schema/registry.js';
import { bacKanStations, bacKanUnits } from './bac-kan.js';
import { seedRegistry } from './seed.js';

describe('Bắc Kạn seed', () => {
  let database: LoaDatabase | undefined;
  afterEach(() => database?.close());

  it('has 1 province, 8 districts and 108 communes with official codes', () => {
    const units = bacKanUnits();
    expect(units.filter((u) => u.level === 'province').map((u) => u.code)).toEqual(['06']);
    expect(units.filter((u) => u.level === 'district')).toHaveLength(8);
    const communes = units.filter((u) => u.level === 'commune');
    expect(communes).toHaveLength(108);
    expect(communes.every((c) => /^\d{5}$/.test(c.code) && c.districtCode && c.provinceCode === '06')).toBe(true);
  });

  it("matches Decision 1655's station totals: 60 FM, 35 wired, 8 IT-telecom, 5 without a station", () => {
    const counts: Record<string, number> = {};
    for (const s of bacKanStations()) counts[s.technology] = (counts[s.technology] ?? 0) + 1;
    expect(counts).toEqual({ fm: 60, wired: 35, it_telecom: 8, none: 5 });
    const none = bacKanStations().filter((s) => s.technology === 'none').map((s) => s.communeCode);
    // four wards of Bắc Kạn city and Yến Lạc township
    expect(none.sort()).toEqual(['01834', '01837', '01840', '01843', '02155']);
  });

  it('is idempotent and never overwrites an edited station', () => {
    database = openDatabase(':memory:');
    runMigrations(database);
    expect(seedRegistry(database)).toEqual({ units: 117, stationsInserted: 108 });
    database.db.update(stations).set({ technology: 'it_telecom' }).run();
    expect(seedRegistry(database)).toEqual({ units: 117, stationsInserted: 0 });
    const techs = new Set(database.db.select({ t: stations.technology }).from(stations).all().map((r) => r.t));
    expect([...techs]).toEqual(['it_telecom']);
  });
});
