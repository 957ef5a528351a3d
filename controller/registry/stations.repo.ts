// Queries for stations (one per commune) and the registry summaries built on them.
import { and, asc, eq, like, type SQL, sql } from 'drizzle-orm';
import { unitWithin } from '../access/scope-sql.js';
import type { LoaDatabase } from '../db/client.js';
import { adminUnits, type StationTechnology, stations, stationTechChanges } from '../db/schema/registry.js';
import type { AdminUnitIndex } from './admin-units.js';

export interface StationFilter {
  scopeCode: string;
  areaCode?: string;
  technology?: StationTechnology;
  online?: boolean;
  q?: string;
  limit: number;
  offset: number;
}

const devicesTotal = sql<number>`(SELECT COUNT(*) FROM devices d WHERE d.station_id = ${stations.id} AND d.disabled = 0)`;
const devicesOnline = sql<number>`(SELECT COUNT(*) FROM devices d WHERE d.station_id = ${stations.id} AND d.disabled = 0 AND d.online = 1)`;
const lastSeenAt = sql<number | null>`(SELECT MAX(d.last_seen_at) FROM devices d WHERE d.station_id = ${stations.id})`;

export const stationColumns = {
  id: stations.id,
  name: stations.name,
  communeCode: stations.communeCode,
  communeName: adminUnits.name,
  districtCode: adminUnits.districtCode,
  technology: stations.technology,
  commissionedOn: stations.commissionedOn,
  plannedReplacementYear: stations.plannedReplacementYear,
  replacementStatus: stations.replacementStatus,
  notes: stations.notes,
  devicesTotal,
  devicesOnline,
  lastSeenAt,
};

export class StationsRepo {
  constructor(
    private readonly database: LoaDatabase,
    private readonly units: AdminUnitIndex,
  ) {}

  list(filter: StationFilter) {
    const conditions: (SQL | undefined)[] = [unitWithin(this.units, filter.scopeCode)];
    if (filter.areaCode) conditions.push(unitWithin(this.units, filter.areaCode));
    if (filter.technology) conditions.push(eq(stations.technology, filter.technology));
    if (filter.online === true) conditions.push(sql`${devicesOnline} > 0`);
    if (filter.online === false) conditions.push(sql`${devicesOnline} = 0`);
    if (filter.q) conditions.push(like(adminUnits.name, `%${filter.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`));
    const where = and(...conditions);
    const items = this.database.db
      .select(stationColumns)
      .from(stations)
      .innerJoin(adminUnits, eq(adminUnits.code, stations.communeCode))
      .where(where)
      .orderBy(asc(stations.communeCode))
      .limit(filter.limit)
      .offset(filter.offset)
      .all();
    const total =
      this.database.db
        .select({ n: sql<number>`COUNT(*)` })
        .from(stations)
        .innerJoin(adminUnits, eq(adminUnits.code, stations.communeCode))
        .where(where)
        .get()?.n ?? 0;
    return { items, total };
  }

  get(id: number) {
    return this.database.db.select(stationColumns).from(stations).innerJoin(adminUnits, eq(adminUnits.code, stations.communeCode)).where(eq(stations.id, id)).get();
  }

  /** The station's enabled clusters, for per-station uptime. */
  clusters(stationId: number): { id: string; createdAt: number }[] {
    return this.database.sqlite.prepare('SELECT id, created_at AS createdAt FROM devices WHERE station_id = ? AND disabled = 0').all(stationId) as { id: string; createdAt: number }[];
  }

  techHistory(stationId: number) {
    return this.database.db.select().from(stationTechChanges).where(eq(stationTechChanges.stationId, stationId)).orderBy(asc(stationTechChanges.changedAt)).all();
  }

  /** Per district: communes, stations by technology, devices online/total. */
  summaryByDistrict(scopeCode: string) {
    return this.database.db
      .select({
        districtCode: adminUnits.districtCode,
        communes: sql<number>`COUNT(*)`,
        itTelecom: sql<number>`SUM(${stations.technology} = 'it_telecom')`,
        fm: sql<number>`SUM(${stations.technology} = 'fm')`,
        wired: sql<number>`SUM(${stations.technology} = 'wired')`,
        mixed: sql<number>`SUM(${stations.technology} = 'mixed')`,
        none: sql<number>`SUM(${stations.technology} = 'none')`,
        devicesTotal: sql<number>`SUM(${devicesTotal})`,
        devicesOnline: sql<number>`SUM(${devicesOnline})`,
      })
      .from(stations)
      .innerJoin(adminUnits, eq(adminUnits.code, stations.communeCode))
      .where(unitWithin(this.units, scopeCode))
      .groupBy(adminUnits.districtCode)
      .orderBy(asc(adminUnits.districtCode))
      .all();
  }
}

export type StationRow = NonNullable<ReturnType<StationsRepo['get']>>;
