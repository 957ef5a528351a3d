// Loudspeaker clusters (devices), their presence history, raw heartbeats and daily rollups.
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { stations } from './registry.js';

export const devices = sqliteTable(
  'devices',
  {
    id: text('id').primaryKey(),
    stationId: integer('station_id')
      .notNull()
      .references(() => stations.id),
    name: text('name').notNull(),
    lat: real('lat'),
    lon: real('lon'),
    /** scrypt hash of the device secret (controller/security/secret-hash.ts); the secret itself is never stored. */
    secretHash: text('secret_hash').notNull(),
    secretRotatedAt: integer('secret_rotated_at').notNull(),
    agentVersion: text('agent_version'),
    manifestVersionHeld: integer('manifest_version_held'),
    online: integer('online', { mode: 'boolean' }).notNull().default(false),
    lastSeenAt: integer('last_seen_at'),
    lastStateAt: integer('last_state_at'),
    /** The latest heartbeat as received (JSON), for the device page without a scan of `heartbeats`. */
    lastHeartbeat: text('last_heartbeat', { mode: 'json' }),
    clockOffsetMs: real('clock_offset_ms'),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('devices_station_name_uq').on(t.stationId, t.name),
    index('devices_online_idx').on(t.online),
    // Covers the per-station counts of the station list, the overview and the reports (clusters,
    // online, last heard, first provisioned) without reading device rows: with 20,000 clusters
    // the overview went from ~120 ms to ~15 ms (bench/RESULTS.md, api).
    index('devices_station_presence_idx').on(t.stationId, t.disabled, t.online, t.lastSeenAt, t.createdAt),
  ],
);

export const PRESENCE_REASONS = ['connected', 'lost', 'shutdown', 'restart', 'heartbeat_timeout', 'controller_restart'] as const;
export type PresenceReason = (typeof PRESENCE_REASONS)[number];

/** Online/offline transitions as the controller observed them: the source of uptime. */
export const deviceStateChanges = sqliteTable(
  'device_state_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deviceId: text('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    online: integer('online', { mode: 'boolean' }).notNull(),
    at: integer('at').notNull(),
    reason: text('reason', { enum: PRESENCE_REASONS }).notNull(),
  },
  (t) => [index('device_state_changes_device_at_idx').on(t.deviceId, t.at)],
);

/**
 * Raw heartbeats, kept for the raw-retention window (LOA_TELEMETRY_RAW_RETENTION_DAYS). Indexed by
 * time only: every reader takes a time or id range (rollup, retention). An index by device put
 * each insert on a random page — 26 of the 37 µs a heartbeat cost to write (migration 0007).
 */
export const heartbeats = sqliteTable(
  'heartbeats',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deviceId: text('device_id').notNull(),
    receivedAt: integer('received_at').notNull(),
    deviceTs: integer('device_ts').notNull(),
    uptimeS: integer('uptime_s').notNull(),
    volume: integer('volume').notNull(),
    power: text('power').notNull(),
    playingClass: text('playing_class'),
    diskFreeBytes: integer('disk_free_bytes'),
    cacheBytes: integer('cache_bytes').notNull(),
    clockOffsetMs: real('clock_offset_ms'),
    signalDbm: real('signal_dbm'),
    manifestVersion: integer('manifest_version'),
  },
  (t) => [index('heartbeats_received_idx').on(t.receivedAt)],
);

/** Per device and local day: seconds online and heartbeats seen (kept long after raw data is gone). */
export const deviceDaily = sqliteTable(
  'device_daily',
  {
    deviceId: text('device_id').notNull(),
    day: text('day').notNull(),
    onlineS: integer('online_s').notNull(),
    heartbeats: integer('heartbeats').notNull(),
    maxAbsClockOffsetMs: real('max_abs_clock_offset_ms'),
    avgSignalDbm: real('avg_signal_dbm'),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.day] }),
    index('device_daily_day_idx').on(t.day),
    // The 30-day uptime sums online_s per cluster over a range of days: reading it from the index
    // instead of the table made it ~3× faster with 20,000 clusters (bench/RESULTS.md, api).
    index('device_daily_device_day_online_idx').on(t.deviceId, t.day, t.onlineS),
  ],
);

/**
 * How far the daily rollup has read the raw heartbeats (one row, id 1): each heartbeat is added
 * to device_daily once, so a rollup run costs the heartbeats since the last run, not the whole day.
 */
export const telemetryRollupState = sqliteTable('telemetry_rollup_state', {
  id: integer('id').primaryKey(),
  lastHeartbeatId: integer('last_heartbeat_id').notNull(),
});

/** Non-device MQTT identities (the controller's own service account). */
export const serviceCredentials = sqliteTable('service_credentials', {
  name: text('name').primaryKey(),
  secretHash: text('secret_hash').notNull(),
  createdAt: integer('created_at').notNull(),
});
