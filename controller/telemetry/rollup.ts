// Daily rollups per device (seconds online, heartbeats, worst clock offset, mean signal) in the
// province's time zone, and the retention of raw heartbeats. Rollups outlive the raw data, so
// 30-day and yearly uptime stay cheap to read for 20,000 devices.
import type Database from 'better-sqlite3';
import { DateTime } from 'luxon';
import { onlineMs } from './uptime.js';

export function dayBounds(day: string, timezone: string): { from: number; to: number } {
  const start = DateTime.fromISO(day, { zone: timezone }).startOf('day');
  return { from: start.toMillis(), to: start.plus({ days: 1 }).toMillis() };
}

export function localDay(at: number, timezone: string): string {
  return DateTime.fromMillis(at, { zone: timezone }).toISODate()!;
}

export class TelemetryRollup {
  private readonly devices: Database.Statement;
  private readonly priorStates: Database.Statement;
  private readonly changes: Database.Statement;
  private readonly heartbeatStats: Database.Statement;
  private readonly upsert: Database.Statement;
  private readonly write: (rows: unknown[][]) => void;
  private readonly purge: Database.Statement;

  constructor(
    sqlite: Database.Database,
    private readonly timezone: string,
    private readonly clock: () => number = Date.now,
  ) {
    this.devices = sqlite.prepare('SELECT id, created_at FROM devices WHERE created_at < ?');
    // The state each device was in when the day began: its last transition before that moment.
    this.priorStates = sqlite.prepare(
      `SELECT c.device_id, c.online FROM device_state_changes c
       JOIN (SELECT device_id, MAX(id) AS id FROM device_state_changes WHERE at < ? GROUP BY device_id) last ON last.id = c.id`,
    );
    this.changes = sqlite.prepare('SELECT device_id, online, at FROM device_state_changes WHERE at >= ? AND at < ? ORDER BY at, id');
    this.heartbeatStats = sqlite.prepare(
      `SELECT device_id, COUNT(*) AS n, MAX(ABS(clock_offset_ms)) AS max_offset, AVG(signal_dbm) AS avg_signal
       FROM heartbeats WHERE received_at >= ? AND received_at < ? GROUP BY device_id`,
    );
    this.upsert = sqlite.prepare(
      `INSERT INTO device_daily (device_id, day, online_s, heartbeats, max_abs_clock_offset_ms, avg_signal_dbm) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (device_id, day) DO UPDATE SET online_s = excluded.online_s, heartbeats = excluded.heartbeats,
         max_abs_clock_offset_ms = excluded.max_abs_clock_offset_ms, avg_signal_dbm = excluded.avg_signal_dbm`,
    );
    this.write = sqlite.transaction((rows: unknown[][]) => {
      for (const r of rows) this.upsert.run(...r);
    });
    this.purge = sqlite.prepare('DELETE FROM heartbeats WHERE id IN (SELECT id FROM heartbeats WHERE received_at < ? LIMIT 5000)');
  }

  /** Computes (or recomputes) one local day; today is computed up to now. */
  rollupDay(day: string): number {
    const { from, to: dayEnd } = dayBounds(day, this.timezone);
    const to = Math.min(dayEnd, this.clock());
    if (to <= from) return 0;
    const prior = new Map((this.priorStates.all(from) as { device_id: string; online: number }[]).map((r) => [r.device_id, !!r.online]));
    const byDevice = new Map<string, { online: boolean; at: number }[]>();
    for (const c of this.changes.all(from, to) as { device_id: string; online: number; at: number }[]) {
      const list = byDevice.get(c.device_id) ?? [];
      list.push({ online: !!c.online, at: c.at });
      byDevice.set(c.device_id, list);
    }
    const stats = new Map(
      (this.heartbeatStats.all(from, to) as { device_id: string; n: number; max_offset: number | null; avg_signal: number | null }[]).map((r) => [r.device_id, r]),
    );
    const rows: unknown[][] = [];
    for (const device of this.devices.all(to) as { id: string; created_at: number }[]) {
      const start = Math.max(from, device.created_at);
      const seconds = Math.round(onlineMs(prior.get(device.id) ?? false, byDevice.get(device.id) ?? [], start, to) / 1000);
      const s = stats.get(device.id);
      rows.push([device.id, day, seconds, s?.n ?? 0, s?.max_offset ?? null, s?.avg_signal ?? null]);
    }
    this.write(rows);
    return rows.length;
  }

  /** Rolls up today and yesterday (yesterday's last minutes may have arrived late). */
  rollupRecent(): void {
    const now = this.clock();
    this.rollupDay(localDay(now - 86_400_000, this.timezone));
    this.rollupDay(localDay(now, this.timezone));
  }

  /** Deletes raw heartbeats older than the retention window, in small steps so writers are not blocked. */
  purgeRawOlderThan(days: number): number {
    const cutoff = this.clock() - days * 86_400_000;
    let total = 0;
    for (;;) {
      const { changes } = this.purge.run(cutoff);
      total += changes;
      if (changes < 5000) return total;
    }
  }
}
