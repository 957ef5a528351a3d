// The overview (what the province opens every morning) and the Decision 1655 period report,
// assembled per district from the registry, presence, the daily rollups and the technology
// history. Thirty-day uptime scans a month of rollups, so it is cached per scope for the rollup
// interval (5 minutes): it cannot change faster than the rollup job rewrites it.
import type { Config } from '../../platform/config.js';
import type { LoaDatabase } from '../db/client.js';
import { REPLACEMENT_STATUSES, STATION_TECHNOLOGIES, type StationTechnology } from '../db/schema/registry.js';
import type { AdminUnitIndex } from '../registry/admin-units.js';
import { lastCompleteDays, type Period } from './period.js';
import { ReportsRepo, type SilentStationRow, type StationStandingRow } from './reports.repo.js';

export type TechCounts = Record<StationTechnology, number>;
export interface Uptime {
  ratio: number | null;
  onlineS: number;
  expectedS: number;
}

const UPTIME_CACHE_MS = 5 * 60_000;
const emptyTech = (): TechCounts => Object.fromEntries(STATION_TECHNOLOGIES.map((t) => [t, 0])) as TechCounts;
const uptimeOf = (onlineS: number, expectedS: number): Uptime => ({ ratio: expectedS > 0 ? Math.min(1, onlineS / expectedS) : null, onlineS, expectedS });

/** The replacement plan of the stations that are not yet IT-telecom, counted by status and year. */
function legacySummaryOf(rows: Pick<StationStandingRow, 'technology' | 'replacementStatus' | 'plannedReplacementYear'>[]) {
  const byStatus = Object.fromEntries(REPLACEMENT_STATUSES.map((s) => [s, 0])) as Record<(typeof REPLACEMENT_STATUSES)[number], number>;
  const byYear = new Map<number, number>();
  let remaining = 0;
  for (const r of rows) {
    if (r.technology === 'none') continue;
    remaining++;
    byStatus[r.replacementStatus as keyof typeof byStatus]++;
    if (r.plannedReplacementYear !== null) byYear.set(r.plannedReplacementYear, (byYear.get(r.plannedReplacementYear) ?? 0) + 1);
  }
  return {
    remaining,
    withoutStation: rows.filter((r) => r.technology === 'none').length,
    byStatus,
    byYear: [...byYear].sort((a, b) => a[0] - b[0]).map(([year, count]) => ({ year, count })),
    unplanned: rows.filter((r) => r.technology !== 'none' && r.plannedReplacementYear === null).length,
  };
}

const silentSince = (s: StationStandingRow, now: number) => s.lastSeenAt ?? s.firstCreated ?? now;
/** A station with clusters, every one silent since before `silentBefore` (first provisioned, if never heard). */
const isSilent = (s: StationStandingRow, silentBefore: number, now: number) => s.devices > 0 && silentSince(s, now) < silentBefore;

/** The silent stations among `standings`, longest silent first (then by commune code), at most `limit`. */
function silentOf(standings: StationStandingRow[], silentBefore: number, limit: number, now: number): SilentStationRow[] {
  return standings
    .filter((s) => isSilent(s, silentBefore, now))
    .sort((a, b) => silentSince(a, now) - silentSince(b, now) || (a.communeCode < b.communeCode ? -1 : a.communeCode > b.communeCode ? 1 : 0))
    .slice(0, limit)
    .map((s) => ({
      stationId: s.stationId,
      stationName: s.stationName,
      communeCode: s.communeCode,
      communeName: s.communeName,
      districtCode: s.districtCode,
      devices: s.devices,
      lastSeenAt: s.lastSeenAt,
      silentSince: silentSince(s, now),
    }));
}

export class ReportsService {
  readonly repo: ReportsRepo;
  private readonly uptimeCache = new Map<string, { at: number; rows: Map<string, Uptime> }>();

  constructor(
    database: LoaDatabase,
    private readonly units: AdminUnitIndex,
    private readonly config: Pick<Config, 'timezone' | 'silentThresholdMin'>,
    private readonly clock: () => number = Date.now,
  ) {
    this.repo = new ReportsRepo(database, units);
  }

  private districtName(code: string | null): string {
    return code ? (this.units.get(code)?.name ?? code) : '';
  }

  /** Uptime per district over a period's complete days. */
  uptimeByDistrict(scopeCode: string, period: Period): Map<string, Uptime> {
    const rows = this.repo.uptimeByDistrict(scopeCode, period.fromMs, period.uptimeToMs, period.from, period.uptimeToDay);
    return new Map(rows.map((r) => [r.districtCode ?? '', uptimeOf(r.onlineS, r.expectedS)]));
  }

  private cachedUptime30(scopeCode: string, period: Period): Map<string, Uptime> {
    const key = `${scopeCode}|${period.from}`;
    const now = this.clock();
    const hit = this.uptimeCache.get(key);
    if (hit && now - hit.at < UPTIME_CACHE_MS) return hit.rows;
    if (this.uptimeCache.size > 500) this.uptimeCache.clear();
    const rows = this.uptimeByDistrict(scopeCode, period);
    this.uptimeCache.set(key, { at: now, rows });
    return rows;
  }

  overview(scopeCode: string, silentLimit = 20) {
    const now = this.clock();
    const silentBefore = now - this.config.silentThresholdMin * 60_000;
    const window = lastCompleteDays(30, this.config.timezone, now);
    const uptime = this.cachedUptime30(scopeCode, window);
    // One pass over the stations and their clusters feeds every figure below (it was four).
    const standings = this.repo.stationStandings(scopeCode);
    const byDistrict = new Map<string, StationStandingRow[]>();
    for (const s of standings) {
      const code = s.districtCode ?? '';
      const list = byDistrict.get(code);
      if (list) list.push(s);
      else byDistrict.set(code, [s]);
    }
    const districts = [...byDistrict.keys()].sort().map((code) => {
      const rows = byDistrict.get(code)!;
      const stationCounts = emptyTech();
      for (const s of rows) stationCounts[s.technology]++;
      const count = (f: (s: StationStandingRow) => boolean) => rows.reduce((n, s) => n + (f(s) ? 1 : 0), 0);
      return {
        districtCode: code,
        districtName: this.districtName(code),
        communes: rows.length,
        stations: stationCounts,
        smartShare: stationCounts.it_telecom / rows.length,
        stationsWithDevices: count((s) => s.devices > 0),
        stationsOnline: count((s) => s.online > 0),
        silentStations: count((s) => isSilent(s, silentBefore, now)),
        devicesTotal: rows.reduce((n, s) => n + s.devices, 0),
        devicesOnline: rows.reduce((n, s) => n + s.online, 0),
        uptime30d: uptime.get(code) ?? uptimeOf(0, 0),
      };
    });
    const sum = (f: (d: (typeof districts)[number]) => number) => districts.reduce((a, d) => a + f(d), 0);
    const communes = sum((d) => d.communes);
    const stationTotals = emptyTech();
    for (const t of STATION_TECHNOLOGIES) stationTotals[t] = sum((d) => d.stations[t]);
    return {
      generatedAt: now,
      silentThresholdMin: this.config.silentThresholdMin,
      uptimeWindow: { from: window.from, to: window.to },
      target: { smartShare: 1, by: '2025-12-31', source: 'Quyết định 1655/QĐ-UBND' },
      districts,
      totals: {
        communes,
        stations: stationTotals,
        smartShare: communes ? stationTotals.it_telecom / communes : 0,
        stationsWithDevices: sum((d) => d.stationsWithDevices),
        stationsOnline: sum((d) => d.stationsOnline),
        silentStations: sum((d) => d.silentStations),
        devicesTotal: sum((d) => d.devicesTotal),
        devicesOnline: sum((d) => d.devicesOnline),
        uptime30d: uptimeOf(sum((d) => d.uptime30d.onlineS), sum((d) => d.uptime30d.expectedS)),
      },
      silent: silentOf(standings, silentBefore, silentLimit, now),
      legacy: legacySummaryOf(standings.filter((s) => s.technology !== 'it_telecom')),
    };
  }

  /** Stations whose clusters have all been silent since before `silentBefore`, longest first. */
  silentStations(scopeCode: string, silentBefore: number, limit: number): SilentStationRow[] {
    return silentOf(this.repo.stationStandings(scopeCode), silentBefore, limit, this.clock());
  }

  legacySummary(scopeCode: string, areaCode?: string) {
    return legacySummaryOf(this.repo.legacyPlans(scopeCode, areaCode));
  }

  /** Decision 1655 report for a period: technology at start and end, change, conversions, uptime. */
  periodReport(scopeCode: string, period: Period) {
    const now = this.clock();
    const count = (at: number) => {
      const byDistrict = new Map<string, TechCounts & { unrecorded: number }>();
      for (const r of this.repo.technologyAt(scopeCode, at)) {
        const key = r.districtCode ?? '';
        const c = byDistrict.get(key) ?? { ...emptyTech(), unrecorded: 0 };
        if (r.technology) c[r.technology]++;
        else c.unrecorded++;
        byDistrict.set(key, c);
      }
      return byDistrict;
    };
    const start = count(period.fromMs);
    const end = count(Math.min(period.toMs, now));
    const conversions = new Map(this.repo.conversionsToSmart(scopeCode, period.fromMs, Math.min(period.toMs, now)).map((r) => [r.districtCode ?? '', r.n]));
    const uptime = this.uptimeByDistrict(scopeCode, period);
    const codes = [...new Set([...start.keys(), ...end.keys()])].sort();
    const districts = codes.map((code) => {
      const s = start.get(code) ?? { ...emptyTech(), unrecorded: 0 };
      const e = end.get(code) ?? { ...emptyTech(), unrecorded: 0 };
      const communes = STATION_TECHNOLOGIES.reduce((a, t) => a + e[t], e.unrecorded);
      return {
        districtCode: code,
        districtName: this.districtName(code),
        communes,
        start: s,
        end: e,
        change: Object.fromEntries(STATION_TECHNOLOGIES.map((t) => [t, e[t] - s[t]])) as TechCounts,
        convertedToSmart: conversions.get(code) ?? 0,
        smartShareEnd: communes ? e.it_telecom / communes : 0,
        uptime: uptime.get(code) ?? uptimeOf(0, 0),
      };
    });
    const total = <K extends 'start' | 'end' | 'change'>(k: K) => {
      const t = { ...emptyTech(), unrecorded: 0 } as TechCounts & { unrecorded: number };
      for (const d of districts) for (const [tech, n] of Object.entries(d[k])) t[tech as StationTechnology] += n;
      return t;
    };
    const communes = districts.reduce((a, d) => a + d.communes, 0);
    const endTotals = total('end');
    const { unrecorded: _u, ...change } = total('change');
    return {
      from: period.from,
      to: period.to,
      uptimeUntil: period.uptimeToDay,
      generatedAt: now,
      districts,
      totals: {
        communes,
        start: total('start'),
        end: endTotals,
        change: change as TechCounts,
        convertedToSmart: districts.reduce((a, d) => a + d.convertedToSmart, 0),
        smartShareEnd: communes ? endTotals.it_telecom / communes : 0,
        uptime: uptimeOf(
          districts.reduce((a, d) => a + d.uptime.onlineS, 0),
          districts.reduce((a, d) => a + d.uptime.expectedS, 0),
        ),
      },
    };
  }
}

export type PeriodReport = ReturnType<ReportsService['periodReport']>;
export type Overview = ReturnType<ReportsService['overview']>;
