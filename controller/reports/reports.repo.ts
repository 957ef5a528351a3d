// Queries behind the overview and the Decision 1655 reports. Every query joins its rows to
// `admin_units` and filters with the shared scope condition (`unitWithin`), so figures outside
// the caller's area never leave the database. Aggregates are grouped per district in SQL.
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { unitWithin } from '../access/scope-sql.js';
import type { LoaDatabase } from '../db/client.js';
import { adminUnits, type StationTechnology, stations } from '../db/schema/registry.js';
import type { AdminUnitIndex } from '../registry/admin-units.js';
import { stationColumns } from '../registry/stations.repo.js';

export interface DistrictUptimeRow {
  districtCode: string | null;
  devices: number;
  onlineS: number;
  expectedS: number;
}

export interface SilentStationRow {
  stationId: number;
  stationName: string;
  communeCode: string;
  communeName: string;
  districtCode: string | null;
  devices: number;
  lastSeenAt: number | null;
  silentSince: number;
}

/** One station of the overview: its registry entry and its enabled clusters' presence. */
export interface StationStandingRow {
  stationId: number;
  stationName: string;
  communeCode: string;
  communeName: string;
  districtCode: string | null;
  technology: StationTechnology;
  replacementStatus: string;
  plannedReplacementYear: number | null;
  devices: number;
  online: number;
  lastSeenAt: number | null;
  firstCreated: number | null;
}

export interface StationTechRow {
  stationId: number;
  districtCode: string | null;
  technology: StationTechnology | null;
}

export class ReportsRepo {
  constructor(
    private readonly database: LoaDatabase,
    private readonly units: AdminUnitIndex,
  ) {}

  /**
   * Seconds online (from the daily rollups) against seconds the clusters existed, per district,
   * over [fromMs, toMs) = the local days [fromDay, toDay). Disabled clusters are left out.
   */
  uptimeByDistrict(scopeCode: string, fromMs: number, toMs: number, fromDay: string, toDay: string): DistrictUptimeRow[] {
    // Each cluster's rollups are read through the (device_id, day) primary key, so a commune's
    // figure reads only its own clusters' rows and the province's reads each row once.
    return this.database.db.all<DistrictUptimeRow>(sql`
      SELECT ${adminUnits.districtCode} AS districtCode, COUNT(*) AS devices,
        COALESCE(SUM((SELECT SUM(dd.online_s) FROM device_daily dd WHERE dd.device_id = d.id AND dd.day >= ${fromDay} AND dd.day < ${toDay})), 0) AS onlineS,
        COALESCE(SUM(MAX(0, ${toMs} - MAX(${fromMs}, d.created_at))), 0) / 1000 AS expectedS
      FROM devices d
      JOIN ${stations} ON ${stations.id} = d.station_id
      JOIN ${adminUnits} ON ${adminUnits.code} = ${stations.communeCode}
      WHERE d.disabled = 0 AND d.created_at < ${toMs} AND ${unitWithin(this.units, scopeCode)}
      GROUP BY ${adminUnits.districtCode}`);
  }

  /**
   * Every station in scope with its enabled clusters counted, in one pass: each station's clusters
   * are read through the covering index devices(station_id, disabled, online, last_seen_at,
   * created_at), so a commune reads only its own and the province reads each cluster once. The
   * overview derives its district figures, silent stations and legacy summary from these rows,
   * and the silent-station list its items.
   */
  stationStandings(scopeCode: string): StationStandingRow[] {
    return this.database.db.all<StationStandingRow>(sql`
      SELECT ${stations.id} AS stationId, ${stations.name} AS stationName, ${stations.communeCode} AS communeCode,
        ${adminUnits.name} AS communeName, ${adminUnits.districtCode} AS districtCode, ${stations.technology} AS technology,
        ${stations.replacementStatus} AS replacementStatus, ${stations.plannedReplacementYear} AS plannedReplacementYear,
        COUNT(d.station_id) AS devices, COALESCE(SUM(d.online), 0) AS online, MAX(d.last_seen_at) AS lastSeenAt, MIN(d.created_at) AS firstCreated
      FROM ${stations}
      JOIN ${adminUnits} ON ${adminUnits.code} = ${stations.communeCode}
      LEFT JOIN devices d ON d.station_id = ${stations.id} AND d.disabled = 0
      WHERE ${unitWithin(this.units, scopeCode)}
      GROUP BY ${stations.id}`);
  }

  /** Each station's technology as it stood just before `at` (null: no record yet). */
  technologyAt(scopeCode: string, at: number): StationTechRow[] {
    return this.database.db.all<StationTechRow>(sql`
      SELECT ${stations.id} AS stationId, ${adminUnits.districtCode} AS districtCode,
        (SELECT c.to_technology FROM station_tech_changes c WHERE c.station_id = ${stations.id} AND c.changed_at < ${at}
          ORDER BY c.changed_at DESC, c.id DESC LIMIT 1) AS technology
      FROM ${stations}
      JOIN ${adminUnits} ON ${adminUnits.code} = ${stations.communeCode}
      WHERE ${unitWithin(this.units, scopeCode)}`);
  }

  /** Per district: stations converted to IT-telecom within [fromMs, toMs). */
  conversionsToSmart(scopeCode: string, fromMs: number, toMs: number): { districtCode: string | null; n: number }[] {
    return this.database.db.all(sql`
      SELECT ${adminUnits.districtCode} AS districtCode, COUNT(DISTINCT c.station_id) AS n
      FROM station_tech_changes c
      JOIN ${stations} ON ${stations.id} = c.station_id
      JOIN ${adminUnits} ON ${adminUnits.code} = ${stations.communeCode}
      WHERE c.to_technology = 'it_telecom' AND c.from_technology IS NOT NULL AND c.from_technology <> 'it_telecom'
        AND c.changed_at >= ${fromMs} AND c.changed_at < ${toMs} AND ${unitWithin(this.units, scopeCode)}
      GROUP BY ${adminUnits.districtCode}`);
  }

  /** The replacement plan of every station that is not yet IT-telecom: what the summary counts, without the per-station cluster figures. */
  legacyPlans(scopeCode: string, areaCode?: string) {
    return this.database.db
      .select({ technology: stations.technology, replacementStatus: stations.replacementStatus, plannedReplacementYear: stations.plannedReplacementYear })
      .from(stations)
      .innerJoin(adminUnits, eq(adminUnits.code, stations.communeCode))
      .where(and(unitWithin(this.units, scopeCode), areaCode ? unitWithin(this.units, areaCode) : undefined, ne(stations.technology, 'it_telecom')))
      .all();
  }

  /** Stations that are not yet IT-telecom (FM, wired, mixed, or no station), with their replacement plan. */
  legacyStations(scopeCode: string, areaCode?: string) {
    return this.database.db
      .select(stationColumns)
      .from(stations)
      .innerJoin(adminUnits, eq(adminUnits.code, stations.communeCode))
      .where(and(unitWithin(this.units, scopeCode), areaCode ? unitWithin(this.units, areaCode) : undefined, ne(stations.technology, 'it_telecom')))
      .orderBy(asc(stations.plannedReplacementYear), asc(stations.communeCode))
      .all();
  }
}
