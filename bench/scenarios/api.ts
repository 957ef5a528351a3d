// Benchmark: latency of the endpoints the web console's overview, station list and device list
// call, for a province administrator, over a database holding a province's worth of clusters
// (full: 20,000 over Bắc Kạn's 108 communes) with 30 days of daily rollups and online history.
// The data is written straight into SQLite (bench/api-data.ts); the controller then runs in its
// own process (bench/hosts/loa-controller.ts) and is queried over HTTP with some concurrency.
import path from 'node:path';
import { prepareController } from '../../controller/controller.js';
import { loadConfig } from '../../platform/config.js';
import { silentLogger } from '../../platform/logger.js';
import { fillProvince, onlineDeviceIds, type ProvinceSize } from '../api-data.js';
import { percentile, round, startHost } from '../child.js';
import type { LoaControllerJob } from '../hosts/loa-controller.js';
import type { RollupRun } from '../../controller/telemetry/rollup.js';
import type { Figure, Scenario, ScenarioOptions } from '../scenario.js';

const ADMIN_PASSWORD = 'Bench-Tinh-BacKan-2026!';
const TARGET_MS = 100;

/** What the console pages ask for (controller/ui/pages: overview.js, stations.js, devices.js; 50 per page). */
export const ENDPOINTS: Array<{ label: string; path: string; target: boolean }> = [
  { label: 'overview', path: '/api/v1/reports/overview', target: true },
  { label: 'station list', path: '/api/v1/stations?limit=50&offset=0', target: true },
  { label: 'station list, one district', path: '/api/v1/stations?area=058&limit=50&offset=0', target: true },
  { label: 'device list', path: '/api/v1/devices?limit=50&offset=0', target: true },
  { label: 'device list, offline only', path: '/api/v1/devices?online=false&limit=50&offset=0', target: true },
  { label: 'device list, last page', path: '/api/v1/devices?limit=50&offset=LAST', target: true },
];

/** What was found and changed with this scenario, kept with the figures. */
const HISTORY = [
  'before migration 0005_add_overview_indexes (20,000 devices, 2-core VM under a load average of ~7 from other work): overview p50 362 ms / p95 1,116 ms, first call 483 ms; ' +
    'station list p50 79 ms / p95 207 ms; device lists met the target (p95 26–78 ms). In-process, the overview with its uptime cached took ~120 ms and the uncached 30-day uptime ~380 ms',
  'cause (EXPLAIN QUERY PLAN): the per-station counts (clusters, online, last heard, first provisioned) behind the station list, the overview’s district summary, presence, silent stations and legacy summary ' +
    'found each station’s devices through devices_station_name_uq and then read every device row (~185 per commune, several times per request); the 30-day uptime read 600,000 device_daily rows from the table',
  'fix: devices(station_id, disabled, online, last_seen_at, created_at) and device_daily(device_id, day, online_s), both covering. In-process: overview 120 → 15 ms (10 ms once the legacy summary read only the replacement plans), station list 16 → 2–3 ms, uncached uptime 380 → 90–270 ms. ' +
    'Cost: a heartbeat’s UPDATE of devices.last_seen_at went from ~3.7 to ~6.1 µs (the index entry moves), i.e. ~2.5% of a core at 10,000 heartbeats/s; device_daily index ≈ +40 B per row',
];

function sizeOf(options: ScenarioOptions): ProvinceSize & { requests: number; concurrency: number } {
  const p = options.params;
  const n = (key: string, full: number, tiny: number) => (options.tiny ? tiny : Number(p[key] ?? full));
  return {
    devices: n('devices', 20_000, 500),
    days: n('days', 30, 30),
    transitionsPerDay: n('transitionsPerDay', 2, 2),
    heartbeatMinutes: n('heartbeatMinutes', 60, 5),
    heartbeatIntervalS: 30,
    onlineShare: 0.92,
    silentCommunes: 3,
    requests: n('requests', 300, 20),
    concurrency: n('concurrency', 4, 2),
  };
}

async function login(httpUrl: string): Promise<string> {
  const res = await fetch(`${httpUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('loa_session='));
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0]!;
}

async function timedGet(url: string, cookie: string): Promise<{ ms: number; body: unknown }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { cookie, accept: 'application/json' } });
  const body = await res.json();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${JSON.stringify(body)}`);
  return { ms, body };
}

/** `requests` GETs with `concurrency` in flight; latencies in ms. */
async function hammer(url: string, cookie: string, requests: number, concurrency: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < requests) {
      next++;
      latencies.push((await timedGet(url, cookie)).ms);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return latencies;
}

export const apiScenario: Scenario = async (options) => {
  const size = sizeOf(options);
  const dataDir = path.join(options.workDir, 'loa');
  options.log(`api: ${size.devices} devices, ${size.days} days of history, ${size.requests} requests per endpoint, ${size.concurrency} at once`);

  const t0 = performance.now();
  const config = loadConfig({ LOA_DATA_DIR: dataDir, LOA_LOG_LEVEL: 'silent', LOA_ADMIN_PASSWORD: ADMIN_PASSWORD });
  const prepared = await prepareController(config, silentLogger);
  let counts: Awaited<ReturnType<typeof fillProvince>>;
  let fillS: number;
  let rollup: RollupRun;
  let firstRollupMs: number;
  let newBeats: number;
  try {
    counts = await fillProvince(prepared.ctx.database.sqlite, size, config.timezone);
    fillS = (performance.now() - t0) / 1000;
    options.log(`filled in ${fillS.toFixed(0)} s: ${JSON.stringify(counts)}`);
    // The controller runs this every 5 minutes on its event loop: while either half of it runs (a
    // read, then a write in the next turn), no request is answered, so the longer half bounds the
    // worst latency any console page or emergency call can see.
    // The first run (no watermark yet) recomputes today and yesterday from scratch; every later
    // run adds only the heartbeats since the previous one: 5 minutes of the fleet's beats here.
    const r0 = performance.now();
    await prepared.ctx.rollup.rollupRecent();
    firstRollupMs = performance.now() - r0;
    newBeats = addFiveMinutesOfHeartbeats(prepared.ctx.database.sqlite, size.heartbeatIntervalS);
    rollup = await prepared.ctx.rollup.rollupRecent();
    options.log(
      `telemetry rollup: first run (from scratch) ${firstRollupMs.toFixed(0)} ms; a 5-minute run (${newBeats} new heartbeats): read ${rollup.readMs.toFixed(0)} ms, write ${rollup.writeMs.toFixed(0)} ms`,
    );
  } finally {
    await prepared.stop();
  }

  const host = await startHost<{ httpUrl: string }>('bench/hosts/loa-controller', { dataDir, restoreOnline: true } satisfies LoaControllerJob);
  const figures: Figure[] = [];
  const notes: string[] = [];
  try {
    const cookie = await login(host.ready.httpUrl);
    const lastOffset = Math.max(0, Math.floor((counts.devices - 1) / 50) * 50);
    for (const endpoint of ENDPOINTS) {
      const url = `${host.ready.httpUrl}${endpoint.path.replace('LAST', String(lastOffset))}`;
      // The first call fills caches (the overview's 30-day uptime is cached per scope for 5 minutes).
      const first = await timedGet(url, cookie);
      const latencies = await hammer(url, cookie, size.requests, size.concurrency);
      const p50 = percentile(latencies, 50);
      const p95 = percentile(latencies, 95);
      figures.push({ label: `${endpoint.label}: p95`, value: round(p95, 1), unit: 'ms', ...(endpoint.target ? { target: `≤ ${TARGET_MS} ms`, met: p95 <= TARGET_MS } : {}) });
      figures.push({ label: `${endpoint.label}: p50`, value: round(p50, 1), unit: 'ms' });
      notes.push(`${endpoint.label} (${endpoint.path.replace('LAST', String(lastOffset))}): first call ${first.ms.toFixed(0)} ms, p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`);
      options.log(notes[notes.length - 1]!);
      if (endpoint.label === 'overview') {
        const totals = (first.body as { totals?: { devicesTotal?: number; devicesOnline?: number } }).totals;
        if (totals?.devicesTotal !== counts.devices) throw new Error(`the overview counts ${totals?.devicesTotal} devices, expected ${counts.devices}`);
        notes.push(`overview sees ${totals.devicesTotal} devices, ${totals.devicesOnline} online`);
      }
    }
  } finally {
    await host.stop();
  }
  figures.push({ label: 'telemetry rollup job, every 5 min: longest hold of the event loop (read or write half)', value: Math.round(Math.max(rollup.readMs, rollup.writeMs)), unit: 'ms' });
  figures.push({ label: 'telemetry rollup job, every 5 min: read + write', value: Math.round(rollup.readMs + rollup.writeMs), unit: 'ms' });
  figures.push({ label: 'telemetry rollup, first run after an upgrade (from scratch)', value: Math.round(firstRollupMs), unit: 'ms' });
  notes.push(
    `the 5-minute telemetry rollup runs on the controller's event loop: read ${Math.round(rollup.readMs)} ms, then in the next turn write ${Math.round(rollup.writeMs)} ms (${rollup.rows.toLocaleString('en-US')} device-days), for ${newBeats.toLocaleString('en-US')} new heartbeats (5 minutes of the fleet's), plus seconds online for today from the state transitions. ` +
      'Before this change it re-read every raw heartbeat of today and yesterday on each run: 6.4–11 s with only an hour of heartbeats kept (run of 2026-11-28 02:33, commit 1993d34), growing to minutes with a real day ' +
      `(${Math.round((86_400 / size.heartbeatIntervalS) * size.devices).toLocaleString('en-US')} rows at this fleet and interval). Now heartbeats are added once, from the last id read (controller/telemetry/rollup.ts, migration 0006); ` +
      `only the very first run after the upgrade reads both days from scratch (${Math.round(firstRollupMs)} ms here).`,
  );
  notes.unshift(
    `data: ${counts.devices} devices over ${counts.communes} communes (${counts.online} online, ${size.silentCommunes} silent communes), ${counts.dailyRows} daily rollups (${size.days} days), ` +
      `${counts.stateRows} online/offline transitions, ${counts.heartbeatRows} raw heartbeats (last ${size.heartbeatMinutes} min at ${size.heartbeatIntervalS} s); written in ${fillS.toFixed(0)} s`,
    `client: the bench process, ${size.requests} requests per endpoint with ${size.concurrency} in flight, signed in as the province administrator; the controller runs in its own process`,
    ...HISTORY,
  );
  return { name: 'api', params: { devices: size.devices, days: size.days, requests: size.requests, concurrency: size.concurrency }, figures, notes };
};

/** Inserts one heartbeat per online device every `intervalS` for 5 minutes up to now; returns how many. */
function addFiveMinutesOfHeartbeats(sqlite: Parameters<typeof fillProvince>[0], intervalS: number): number {
  const online = onlineDeviceIds(sqlite);
  const insert = sqlite.prepare(`INSERT INTO heartbeats (device_id, received_at, device_ts, uptime_s, volume, power, playing_class,
    disk_free_bytes, cache_bytes, clock_offset_ms, signal_dbm, manifest_version) VALUES (?, ?, ?, 86400, 80, 'on', NULL, 2000000000, 50000000, 3, -80, 3)`);
  const now = Date.now();
  const beats = Math.max(1, Math.floor(300 / intervalS));
  let n = 0;
  sqlite.transaction(() => {
    for (let b = beats - 1; b >= 0; b--) {
      for (const id of online) {
        insert.run(id, now - b * intervalS * 1000, now - b * intervalS * 1000 - 3);
        n++;
      }
    }
  })();
  return n;
}
