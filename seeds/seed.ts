// Applies the seeds idempotently: on first start and by `loa seed`. Administrative units are
// upserted (names follow the catalogue); stations are only inserted when missing, so a seed run
// never overwrites what a province has since edited.
import { sql } from 'drizzle-orm';
import type { LoaDatabase } from '../controller/db/client.js';
import { adminUnits, stations, stationTechChanges } from '../controller/db/schema/registry.js';
import { BASELINE_DATE, bacKanStations, bacKanUnits, readBacKanCatalogue } from './bac-kan.js';

export interface SeedReport {
  units: number;
  stationsInserted: number;
}

export function seedRegistry(database: LoaDatabase, now = Date.now()): SeedReport {
  const catalogue = readBacKanCatalogue();
  const units = bacKanUnits(catalogue);
  const planned = bacKanStations(catalogue);
  const baseline = Date.parse(`${BASELINE_DATE}T00:00:00+07:00`);
  let stationsInserted = 0;
  database.db.transaction((tx) => {
    for (const unit of units) {
      tx.insert(adminUnits)
        .values(unit)
        .onConflictDoUpdate({ target: adminUnits.code, set: { name: unit.name, typeLabel: unit.typeLabel } })
        .run();
    }
    for (const station of planned) {
      const inserted = tx
        .insert(stations)
        .values({ ...station, createdAt: now, updatedAt: now })
        .onConflictDoNothing({ target: stations.communeCode })
        .returning({ id: stations.id })
        .get();
      if (!inserted) continue;
      stationsInserted++;
      tx.insert(stationTechChanges)
        .values({ stationId: inserted.id, fromTechnology: null, toTechnology: station.technology, changedAt: baseline, note: 'seed: Decision 1655/QĐ-UBND baseline (illustrative)' })
        .run();
    }
  });
  const count = database.db.select({ n: sql<number>`count(*)` }).from(adminUnits).get()?.n ?? 0;
  return { units: count, stationsInserted };
}
