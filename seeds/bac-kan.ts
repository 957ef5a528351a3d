// Seed: Bắc Kạn province's 108 communes (GSO catalogue, 01/11/2021) and one station each.
//
// ILLUSTRATIVE station technologies. Decision 1655/QĐ-UBND (2021) gives only totals — 60 FM,
// 35 wired, 8 IT-telecom, 5 communes without a station (4 wards of Bắc Kạn city and Yến Lạc
// township, Na Rì) — not which commune has which. We assign them by a fixed rule that matches
// those totals exactly; a province replaces them with its real inventory in the console.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SEEDS_DIR } from '../platform/paths.js';
import type { StationTechnology } from '../controller/db/schema/registry.js';

interface CatalogueUnit {
  code: string;
  name: string;
  type: string;
}
interface Catalogue {
  source: string;
  province: CatalogueUnit;
  districts: (CatalogueUnit & { communes: CatalogueUnit[] })[];
}

export interface SeedUnit {
  code: string;
  name: string;
  typeLabel: string;
  level: 'province' | 'district' | 'commune';
  parentCode: string | null;
  provinceCode: string;
  districtCode: string | null;
}

export interface SeedStation {
  communeCode: string;
  name: string;
  technology: StationTechnology;
}

/** Date of Decision 1655/QĐ-UBND: the baseline of the station technologies below. */
export const BASELINE_DATE = '2021-09-07';

export function readBacKanCatalogue(): Catalogue {
  return JSON.parse(readFileSync(path.join(SEEDS_DIR, 'bac-kan-admin-units.json'), 'utf8')) as Catalogue;
}

export function bacKanUnits(catalogue = readBacKanCatalogue()): SeedUnit[] {
  const p = catalogue.province;
  const units: SeedUnit[] = [
    { code: p.code, name: p.name, typeLabel: p.type, level: 'province', parentCode: null, provinceCode: p.code, districtCode: null },
  ];
  for (const d of catalogue.districts) {
    units.push({ code: d.code, name: d.name, typeLabel: d.type, level: 'district', parentCode: p.code, provinceCode: p.code, districtCode: d.code });
    for (const c of d.communes) {
      units.push({ code: c.code, name: c.name, typeLabel: c.type, level: 'commune', parentCode: d.code, provinceCode: p.code, districtCode: d.code });
    }
  }
  return units;
}

const WITHOUT_STATION = new Set([
  // Decision 1655: four wards of Bắc Kạn city and Yến Lạc township have no station.
  '01834', '01837', '01840', '01843', '02155',
]);
const IT_TELECOM = new Set([
  // Illustrative: the two remaining city wards, the five district townships that have a station,
  // and Bằng Thành (Pác Nặm, a district without a township) — 8 in all.
  '01846', '01855', '01888', '01936', '01969', '02020', '02086', '01858',
]);
const TOTAL_FM = 60;

/** One station per commune, with technologies matching Decision 1655's totals. */
export function bacKanStations(catalogue = readBacKanCatalogue()): SeedStation[] {
  const communes = catalogue.districts.flatMap((d) => d.communes);
  const legacy = communes.filter((c) => !WITHOUT_STATION.has(c.code) && !IT_TELECOM.has(c.code));
  // Spread FM and wired evenly along the catalogue order (so every district gets a mix):
  // commune i is FM when the running share of FM falls behind 60/95.
  let fm = 0;
  const legacyTech = new Map<string, StationTechnology>();
  legacy.forEach((c, i) => {
    const isFm = fm < Math.round(((i + 1) * TOTAL_FM) / legacy.length);
    if (isFm) fm++;
    legacyTech.set(c.code, isFm ? 'fm' : 'wired');
  });
  return communes.map((c) => ({
    communeCode: c.code,
    name: `Đài truyền thanh ${c.name}`,
    technology: WITHOUT_STATION.has(c.code) ? 'none' : IT_TELECOM.has(c.code) ? 'it_telecom' : legacyTech.get(c.code)!,
  }));
}
