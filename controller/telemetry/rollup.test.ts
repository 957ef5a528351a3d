// The daily rollup: each raw heartbeat counted once, on its local day, whether the job runs once
// a day or every five minutes; seconds online from the state transitions.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedRegistry } from '../../seeds/seed.js';
import { type LoaDatabase, openDatabase, runMigrations } from '../db/client.js';
import { dayBounds, TelemetryRollup } from './rollup.js';

const TZ = 'Asia/Ho_Chi_Minh';
const today = dayBounds('2026-11-28', TZ);
let database: LoaDatabase;
let now = today.from + 10 * 3_600_000; // 10:00 local

function heartbeat(device: string, at: number, clockOffsetMs: number | null, signalDbm: number | null): void {
  database.sqlite
    .prepare(
      `INSERT INTO heartbeats (device_id, received_at, device_ts, uptime_s, volume, power, cache_bytes, clock_offset_ms, signal_dbm)
       VALUES (?, ?, ?, 1, 50, 'on', 0, ?, ?)`,
    )
    .run(device, at, at, clockOffsetMs, signalDbm);
}

const daily = (device: string, day: string) =>
  database.sqlite
    .prepare('SELECT online_s AS onlineS, heartbeats, max_abs_clock_offset_ms AS maxOffset, avg_signal_dbm AS signal FROM device_daily WHERE device_id = ? AND day = ?')
    .get(device, day) as { onlineS: number; heartbeats: number; maxOffset: number | null; signal: number | null } | undefined;

beforeEach(() => {
  database = openDatabase(':memory:');
  runMigrations(database);
  seedRegistry(database);
  const created = today.from - 3 * 86_400_000;
  for (const id of ['dev-a', 'dev-b']) {
    database.sqlite
      .prepare("INSERT INTO devices (id, station_id, name, secret_hash, secret_rotated_at, online, created_at, updated_at) VALUES (?, 1, ?, 'x', 0, 0, ?, ?)")
      .run(id, id, created, created);
  }
  // dev-a came online at 08:00 local today and stayed; dev-b never did.
  database.sqlite
    .prepare("INSERT INTO device_state_changes (device_id, online, reason, at) VALUES ('dev-a', 1, 'connected', ?)")
    .run(today.from + 8 * 3_600_000);
});
afterEach(() => database.close());

describe('telemetry rollup', () => {
  it('adds only the heartbeats received since the last run, each to its own local day', async () => {
    const rollup = new TelemetryRollup(database.sqlite, TZ, () => now);
    heartbeat('dev-a', today.from - 60_000, 5, -80); // 23:59 yesterday
    heartbeat('dev-a', today.from + 9 * 3_600_000, -40, -70);
    await rollup.rollupRecent(); // first run: both days from scratch
    expect(daily('dev-a', '2026-11-27')).toMatchObject({ heartbeats: 1, maxOffset: 5, signal: -80 });
    expect(daily('dev-a', '2026-11-28')).toMatchObject({ heartbeats: 1, maxOffset: 40, signal: -70, onlineS: 2 * 3600 });

    heartbeat('dev-a', now - 1000, 12, -90);
    heartbeat('dev-a', now - 500, null, null); // no clock measurement, no modem figure
    heartbeat('dev-b', now - 400, 7, -60);
    now += 5 * 60_000;
    await rollup.rollupRecent();
    await rollup.rollupRecent(); // a second run with nothing new changes nothing
    expect(daily('dev-a', '2026-11-28')).toMatchObject({ heartbeats: 3, maxOffset: 40, onlineS: 2 * 3600 + 300 });
    expect(daily('dev-a', '2026-11-28')!.signal).toBeCloseTo((-70 + -90) / 2, 5);
    expect(daily('dev-a', '2026-11-27')).toMatchObject({ heartbeats: 1 });
    expect(daily('dev-b', '2026-11-28')).toMatchObject({ heartbeats: 1, maxOffset: 7, signal: -60, onlineS: 0 });
  });

  it('gives the same figures run every five minutes as recomputed once from scratch', async () => {
    const often = new TelemetryRollup(database.sqlite, TZ, () => now);
    await often.rollupRecent();
    for (let i = 0; i < 12; i++) {
      heartbeat(i % 2 ? 'dev-a' : 'dev-b', now - 1000, i * 3 - 10, -100 + i);
      now += 5 * 60_000;
      await often.rollupRecent();
    }
    const incremental = [daily('dev-a', '2026-11-28'), daily('dev-b', '2026-11-28')];
    database.sqlite.prepare('DELETE FROM device_daily').run();
    new TelemetryRollup(database.sqlite, TZ, () => now).rollupDay('2026-11-28');
    const fromScratch = [daily('dev-a', '2026-11-28'), daily('dev-b', '2026-11-28')];
    expect(incremental.map((r) => r!.heartbeats)).toEqual([6, 6]);
    expect(incremental.map((r) => [r!.heartbeats, r!.maxOffset, r!.onlineS])).toEqual(fromScratch.map((r) => [r!.heartbeats, r!.maxOffset, r!.onlineS]));
    for (const [i, r] of incremental.entries()) expect(r!.signal).toBeCloseTo(fromScratch[i]!.signal!, 5);
  });

  it('after a long stop, spreads the heartbeats it missed over the days they arrived on', async () => {
    const rollup = new TelemetryRollup(database.sqlite, TZ, () => now);
    await rollup.rollupRecent();
    heartbeat('dev-b', now + 1000, 1, -50);
    now += 2 * 86_400_000; // the controller was down for two days
    heartbeat('dev-b', now - 1000, 2, -55);
    await rollup.rollupRecent();
    expect(daily('dev-b', '2026-11-28')).toMatchObject({ heartbeats: 1, maxOffset: 1 });
    expect(daily('dev-b', '2026-11-30')).toMatchObject({ heartbeats: 1, maxOffset: 2 });
  });

  it('counts a transition recorded late for before midnight, within the first hour of the day', async () => {
    now = today.from + 20 * 60_000; // 00:20
    const rollup = new TelemetryRollup(database.sqlite, TZ, () => now);
    await rollup.rollupRecent();
    expect(daily('dev-b', '2026-11-28')).toMatchObject({ onlineS: 0 });
    // dev-b's return at 22:00 yesterday reaches the database only now.
    database.sqlite.prepare("INSERT INTO device_state_changes (device_id, online, reason, at) VALUES ('dev-b', 1, 'connected', ?)").run(today.from - 2 * 3_600_000);
    now += 5 * 60_000;
    await rollup.rollupRecent();
    expect(daily('dev-b', '2026-11-28')).toMatchObject({ onlineS: 25 * 60 });
    now = today.from + 2 * 3_600_000;
    await rollup.rollupRecent();
    await rollup.rollupRecent();
    expect(daily('dev-b', '2026-11-28')).toMatchObject({ onlineS: 2 * 3600 });
    expect(daily('dev-a', '2026-11-28')).toMatchObject({ onlineS: 0 });
  });

  it('leaves heartbeats committed between its read and its write to the next run, and shares one run between two callers', async () => {
    const rollup = new TelemetryRollup(database.sqlite, TZ, () => now);
    await rollup.rollupRecent();
    heartbeat('dev-a', now - 1000, 1, -70);
    const first = rollup.rollupRecent();
    const second = rollup.rollupRecent(); // the timer and the start-up catch-up at once
    heartbeat('dev-a', now - 500, 2, -72); // the writer commits while the job waits for its write turn
    const [a, b] = await Promise.all([first, second]);
    expect(a).toBe(b);
    expect(a).toMatchObject({ heartbeats: 1 });
    expect(daily('dev-a', '2026-11-28')).toMatchObject({ heartbeats: 1, maxOffset: 1 });
    await rollup.rollupRecent();
    expect(daily('dev-a', '2026-11-28')).toMatchObject({ heartbeats: 2, maxOffset: 2 });
  });
});
