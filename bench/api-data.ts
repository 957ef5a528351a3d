// A province's worth of data written straight into a Loa database, in batched transactions with
// prepared statements: the api scenario measures query speed, not provisioning. Devices are
// spread over every commune of the registry (Bắc Kạn: 108), with 30 days of daily rollups and
// online/offline history, the latest heartbeat on each device row, and the last stretch of raw
// heartbeats. A few communes are silent (every cluster offline for days), as in real life.
import type Database from 'better-sqlite3';
import { DateTime } from 'luxon';
import { newDeviceId } from '../controller/devices/device-id.js';
import { hashSecret, randomSecret } from '../controller/security/secret-hash.js';

export interface ProvinceSize {
  devices: number;
  days: number;
  /** Online/offline transitions per device per day (pairs: one drop, one return). */
  transitionsPerDay: number;
  /** Minutes of raw heartbeats kept before now, at `heartbeatIntervalS`. */
  heartbeatMinutes: number;
  heartbeatIntervalS: number;
  /** Share of devices online now. */
  onlineShare: number;
  silentCommunes: number;
}

export interface ProvinceCounts {
  communes: number;
  devices: number;
  online: number;
  dailyRows: number;
  stateRows: number;
  heartbeatRows: number;
}

const BATCH = 5_000;

/** Deterministic pseudo-random numbers, so two runs build the same province. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function inBatches<T>(sqlite: Database.Database, rows: Iterable<T>, write: (row: T) => void): number {
  let n = 0;
  let batch: T[] = [];
  const flush = sqlite.transaction((items: T[]) => {
    for (const item of items) write(item);
  });
  for (const row of rows) {
    batch.push(row);
    n++;
    if (batch.length >= BATCH) {
      flush(batch);
      batch = [];
    }
  }
  if (batch.length) flush(batch);
  return n;
}

interface DeviceSeed {
  id: string;
  stationId: number;
  createdAt: number;
  online: boolean;
  lastSeenAt: number;
  uptime: number;
}

export async function fillProvince(sqlite: Database.Database, size: ProvinceSize, timezone: string, now = Date.now()): Promise<ProvinceCounts> {
  const random = prng(20_251_231);
  const stations = sqlite.prepare('SELECT id, commune_code AS communeCode FROM stations ORDER BY commune_code').all() as { id: number; communeCode: string }[];
  if (!stations.length) throw new Error('the registry has no stations: seed it first');
  const silent = new Set(stations.slice(0, size.silentCommunes).map((s) => s.id));
  // One real hash shared by all: these clusters never connect.
  const secretHash = await hashSecret(randomSecret(), 'generated');
  const dayMs = 86_400_000;
  const seeds: DeviceSeed[] = [];
  for (let i = 0; i < size.devices; i++) {
    const stationId = stations[i % stations.length]!.id;
    const isSilent = silent.has(stationId);
    const online = !isSilent && random() < size.onlineShare;
    seeds.push({
      id: newDeviceId(),
      stationId,
      createdAt: now - (size.days + 1) * dayMs - Math.floor(random() * 60 * dayMs),
      online,
      lastSeenAt: online ? now - Math.floor(random() * size.heartbeatIntervalS * 1000) : now - Math.floor((isSilent ? 3 : 0.1 + random()) * dayMs),
      uptime: isSilent ? 0.3 + 0.3 * random() : 0.9 + 0.1 * random(),
    });
  }
  const perStation = new Map<number, number>();
  const insertDevice = sqlite.prepare(`INSERT INTO devices (id, station_id, name, lat, lon, secret_hash, secret_rotated_at, agent_version,
    manifest_version_held, online, last_seen_at, last_state_at, last_heartbeat, clock_offset_ms, disabled, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, '0.1.0', 3, ?, ?, ?, ?, ?, 0, ?, ?)`);
  inBatches(sqlite, seeds, (d) => {
    const k = (perStation.get(d.stationId) ?? 0) + 1;
    perStation.set(d.stationId, k);
    const heartbeat = { v: 1, ts: d.lastSeenAt, uptimeS: 86_400, agentVersion: '0.1.0', volume: 80, power: 'on', playing: null, diskFreeBytes: 2e9, cacheBytes: 5e7, clockOffsetMs: 3, signalDbm: -80, manifestVersion: 3 };
    insertDevice.run(d.id, d.stationId, `Cụm ${k}`, 22 + random(), 105.8 + random(), secretHash, d.createdAt, d.online ? 1 : 0, d.lastSeenAt, d.lastSeenAt, JSON.stringify(heartbeat), 3, d.createdAt, d.lastSeenAt);
  });

  const days: { day: string; startMs: number }[] = [];
  const today = DateTime.fromMillis(now, { zone: timezone }).startOf('day');
  for (let i = size.days; i >= 1; i--) {
    const start = today.minus({ days: i });
    days.push({ day: start.toISODate()!, startMs: start.toMillis() });
  }
  const insertDaily = sqlite.prepare('INSERT INTO device_daily (device_id, day, online_s, heartbeats, max_abs_clock_offset_ms, avg_signal_dbm) VALUES (?, ?, ?, ?, ?, ?)');
  const dailyRows = inBatches(
    sqlite,
    (function* () {
      for (const d of seeds) for (const day of days) yield { d, day };
    })(),
    ({ d, day }) => {
      const onlineS = Math.round(86_400 * Math.min(1, d.uptime + 0.05 * (random() - 0.5)));
      insertDaily.run(d.id, day.day, onlineS, Math.round(onlineS / size.heartbeatIntervalS), 5 + random() * 20, -70 - random() * 30);
    },
  );

  const insertState = sqlite.prepare('INSERT INTO device_state_changes (device_id, online, at, reason) VALUES (?, ?, ?, ?)');
  const pairs = Math.max(0, Math.round(size.transitionsPerDay / 2));
  const stateRows = inBatches(
    sqlite,
    (function* () {
      for (const d of seeds) {
        for (const day of days) {
          for (let p = 0; p < pairs; p++) {
            const drop = day.startMs + Math.floor(random() * (dayMs - 3_600_000));
            yield { d, at: drop, online: false };
            yield { d, at: drop + Math.floor((1 - d.uptime) * dayMs * random()) + 60_000, online: true };
          }
        }
      }
    })(),
    (r) => insertState.run(r.d.id, r.online ? 1 : 0, r.at, r.online ? 'connected' : 'lost'),
  );

  const insertHeartbeat = sqlite.prepare(`INSERT INTO heartbeats (device_id, received_at, device_ts, uptime_s, volume, power, playing_class,
    disk_free_bytes, cache_bytes, clock_offset_ms, signal_dbm, manifest_version) VALUES (?, ?, ?, ?, 80, 'on', NULL, 2000000000, 50000000, ?, ?, 3)`);
  const beats = Math.floor((size.heartbeatMinutes * 60) / size.heartbeatIntervalS);
  const heartbeatRows = inBatches(
    sqlite,
    (function* () {
      // Time-ordered, as the writer inserts them.
      for (let b = beats; b >= 1; b--) for (const d of seeds) if (d.online) yield { d, at: now - b * size.heartbeatIntervalS * 1000 };
    })(),
    (h) => insertHeartbeat.run(h.d.id, h.at, h.at - 3, 86_400, 3, -80),
  );
  sqlite.pragma('optimize');
  return { communes: stations.length, devices: seeds.length, online: seeds.filter((d) => d.online).length, dailyRows, stateRows, heartbeatRows };
}

/** Ids of the devices that were online, so the controller host can restore them after its restart sweep. */
export function onlineDeviceIds(sqlite: Database.Database): string[] {
  return (sqlite.prepare('SELECT id FROM devices WHERE online = 1').all() as { id: string }[]).map((r) => r.id);
}
