// Queries for devices (clusters). No rules here: see devices.service.ts.
import { and, asc, count, eq, like, or, type SQL, sql } from 'drizzle-orm';
import { unitWithin } from '../access/scope-sql.js';
import type { LoaDatabase } from '../db/client.js';
import { devices } from '../db/schema/devices.js';
import { adminUnits, stations } from '../db/schema/registry.js';
import type { AdminUnitIndex } from '../registry/admin-units.js';

export interface DeviceFilter {
  scopeCode: string;
  areaCode?: string;
  stationId?: number;
  online?: boolean;
  clockAlarm?: boolean;
  q?: string;
  limit: number;
  offset: number;
}

const columns = (clockAlarmMs: number) => ({
  id: devices.id,
  name: devices.name,
  stationId: devices.stationId,
  stationName: stations.name,
  communeCode: stations.communeCode,
  communeName: adminUnits.name,
  districtCode: adminUnits.districtCode,
  lat: devices.lat,
  lon: devices.lon,
  online: devices.online,
  lastSeenAt: devices.lastSeenAt,
  agentVersion: devices.agentVersion,
  manifestVersionHeld: devices.manifestVersionHeld,
  clockOffsetMs: devices.clockOffsetMs,
  /** The controller's flag on the cluster's reported clock offset (LOA_CLOCK_OFFSET_ALARM_MS). */
  clockAlarm: sql<boolean>`COALESCE(ABS(${devices.clockOffsetMs}) > ${clockAlarmMs}, 0)`.mapWith(Boolean),
  disabled: devices.disabled,
  createdAt: devices.createdAt,
  secretRotatedAt: devices.secretRotatedAt,
});


export class DevicesRepo {
  private readonly deviceColumns: ReturnType<typeof columns>;

  constructor(
    private readonly database: LoaDatabase,
    private readonly units: AdminUnitIndex,
    private readonly clockAlarmMs: number,
  ) {
    this.deviceColumns = columns(clockAlarmMs);
  }

  private where(filter: Omit<DeviceFilter, 'limit' | 'offset'>): SQL | undefined {
    const conditions: (SQL | undefined)[] = [unitWithin(this.units, filter.scopeCode)];
    if (filter.areaCode) conditions.push(unitWithin(this.units, filter.areaCode));
    if (filter.stationId !== undefined) conditions.push(eq(devices.stationId, filter.stationId));
    if (filter.online !== undefined) conditions.push(eq(devices.online, filter.online));
    if (filter.clockAlarm !== undefined) {
      const alarm = sql`COALESCE(ABS(${devices.clockOffsetMs}) > ${this.clockAlarmMs}, 0)`;
      conditions.push(filter.clockAlarm ? sql`${alarm} = 1` : sql`${alarm} = 0`);
    }
    if (filter.q) {
      const pattern = `%${filter.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
      conditions.push(or(like(devices.name, pattern), like(devices.id, pattern), like(adminUnits.name, pattern)));
    }
    return and(...conditions);
  }

  list(filter: DeviceFilter) {
    const where = this.where(filter);
    const base = this.database.db
      .select(this.deviceColumns)
      .from(devices)
      .innerJoin(stations, eq(stations.id, devices.stationId))
      .innerJoin(adminUnits, eq(adminUnits.code, stations.communeCode));
    const items = base.where(where).orderBy(asc(stations.communeCode), asc(devices.name)).limit(filter.limit).offset(filter.offset).all();
    const total =
      this.database.db
        .select({ n: count() })
        .from(devices)
        .innerJoin(stations, eq(stations.id, devices.stationId))
        .innerJoin(adminUnits, eq(adminUnits.code, stations.communeCode))
        .where(where)
        .get()?.n ?? 0;
    return { items, total };
  }

  get(id: string) {
    return this.database.db
      .select(this.deviceColumns)
      .from(devices)
      .innerJoin(stations, eq(stations.id, devices.stationId))
      .innerJoin(adminUnits, eq(adminUnits.code, stations.communeCode))
      .where(eq(devices.id, id))
      .get();
  }

  /** The commune a device belongs to (for scope checks), or undefined. */
  communeOf(id: string): string | undefined {
    return this.database.db
      .select({ code: stations.communeCode })
      .from(devices)
      .innerJoin(stations, eq(stations.id, devices.stationId))
      .where(eq(devices.id, id))
      .get()?.code;
  }

  namesInStation(stationId: number): string[] {
    return this.database.db.select({ name: devices.name }).from(devices).where(eq(devices.stationId, stationId)).all().map((r) => r.name);
  }
}

export type DeviceRow = NonNullable<ReturnType<DevicesRepo['get']>>;
