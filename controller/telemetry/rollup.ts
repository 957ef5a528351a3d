// Daily rollups per device (seconds online, heartbeats, worst clock offset, mean signal) in the
// province's time zone, and the retention of raw heartbeats. Rollups outlive the raw data, so
// 30-day and yearly uptime stay cheap to read for 20,000 devices.
// The job runs every 5 minutes on the controller's event loop, so it must stay short: heartbeats
// are added to device_daily incrementally, from the last heartbeat id it read (20,000 clusters
// send ~58 million heartbeats a day; re-reading the whole day took 6–11 s with only an hour of
// them, bench/RESULTS.md api). Seconds online come from the state transitions, which are few, and
// are recomputed for today (and yesterday, in its first hour) each run. It reads in one turn of
// the event loop and writes in the next, one upsert per device and day, so an emergency call
// waits for at most one of the two halves.
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

function nextDay(day: string): string {
  return DateTime.fromISO(day).plus({ days: 1 }).toISODate()!;
}

const SETTLED_AFTER_MS = 3_600_000;

/** What one run of the 5-minute job did, and how long each half held the event loop. */
export interface RollupRun {
  rows: number;
  /** Heartbeats added since the last run; null on the first run, which recounts both days from scratch. */
  heartbeats: number | null;
  readMs: number;
  writeMs: number;
}

interface DailyIncrement {
  device: string;
  day: string;
  /** Seconds online recomputed this run; null leaves the stored figure as it is. */
  onlineS: number | null;
  n: number;
  maxOffset: number | null;
  sumSignal: number;
  nSignal: number;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class TelemetryRollup {
  private readonly devices: Database.Statement;
  private readonly priorStates: Database.Statement;
  private readonly changes: Database.Statement;
  private readonly heartbeatStats: Database.Statement;
  private readonly upsert: Database.Statement;
  private readonly write: (rows: unknown[][]) => void;
  private readonly purge: Database.Statement;
  private readonly maxHeartbeatId: Database.Statement;
  private readonly newRange: Database.Statement;
  private readonly readWatermark: Database.Statement;
  private readonly saveWatermark: Database.Statement;
  private readonly newHeartbeatStats: Database.Statement;
  private readonly addIncrement: Database.Statement;
  private readonly writeIncrements: (rows: DailyIncrement[], watermark: number) => void;
  /** Each device's state at a day's start, once that start is settled: 1.2 M transitions a month to group otherwise. */
  private readonly settledPriorStates = new Map<number, Map<string, boolean>>();
  private running: Promise<RollupRun> | undefined;

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

    this.newRange = sqlite.prepare('SELECT MIN(received_at) AS oldest, MAX(received_at) AS newest FROM heartbeats WHERE id > ? AND id <= ?');
    this.maxHeartbeatId = sqlite.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM heartbeats').pluck();
    this.readWatermark = sqlite.prepare('SELECT last_heartbeat_id FROM telemetry_rollup_state WHERE id = 1').pluck();
    this.saveWatermark = sqlite.prepare(
      'INSERT INTO telemetry_rollup_state (id, last_heartbeat_id) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET last_heartbeat_id = excluded.last_heartbeat_id',
    );
    // The heartbeats since the watermark that fall in one local day (the id range is the primary key).
    this.newHeartbeatStats = sqlite.prepare(
      `SELECT device_id, COUNT(*) AS n, MAX(ABS(clock_offset_ms)) AS max_offset, SUM(signal_dbm) AS sum_signal, COUNT(signal_dbm) AS n_signal
       FROM heartbeats WHERE id > ? AND id <= ? AND received_at >= ? AND received_at < ? GROUP BY device_id`,
    );
    // Adds them: counts add up, the worst offset is the larger one, the mean signal is weighted by
    // the heartbeats that carried one (approximated by the day's count so far for the stored mean);
    // seconds online, when recomputed this run, replace the stored figure.
    this.addIncrement = sqlite.prepare(
      `INSERT INTO device_daily (device_id, day, online_s, heartbeats, max_abs_clock_offset_ms, avg_signal_dbm)
       VALUES (@device, @day, COALESCE(@onlineS, 0), @n, @maxOffset, CASE WHEN @nSignal > 0 THEN @sumSignal / @nSignal END)
       ON CONFLICT (device_id, day) DO UPDATE SET
         online_s = COALESCE(@onlineS, online_s),
         heartbeats = heartbeats + excluded.heartbeats,
         max_abs_clock_offset_ms = CASE WHEN max_abs_clock_offset_ms IS NULL OR excluded.max_abs_clock_offset_ms > max_abs_clock_offset_ms
           THEN excluded.max_abs_clock_offset_ms ELSE max_abs_clock_offset_ms END,
         avg_signal_dbm = CASE
           WHEN @nSignal = 0 THEN avg_signal_dbm
           WHEN avg_signal_dbm IS NULL OR heartbeats = 0 THEN @sumSignal / @nSignal
           ELSE (avg_signal_dbm * heartbeats + @sumSignal) / (heartbeats + @nSignal) END`,
    );
    this.writeIncrements = sqlite.transaction((rows: DailyIncrement[], watermark: number) => {
      for (const r of rows) this.addIncrement.run(r);
      this.saveWatermark.run(watermark);
    });
  }

  /**
   * Computes (or recomputes) one local day from scratch, raw heartbeats included; today is
   * computed up to now. For backfills and the first run: it reads the whole day.
   */
  rollupDay(day: string): number {
    const { from, to: dayEnd } = dayBounds(day, this.timezone);
    const to = Math.min(dayEnd, this.clock());
    if (to <= from) return 0;
    const stats = new Map(
      (this.heartbeatStats.all(from, to) as { device_id: string; n: number; max_offset: number | null; avg_signal: number | null }[]).map((r) => [r.device_id, r]),
    );
    const rows = this.onlineSeconds(day, from, to).map(([id, d, seconds]) => {
      const s = stats.get(id as string);
      return [id, d, seconds, s?.n ?? 0, s?.max_offset ?? null, s?.avg_signal ?? null];
    });
    this.write(rows);
    return rows.length;
  }

  /** [deviceId, day, seconds online] for every device that existed in [from, to). */
  private onlineSeconds(day: string, from: number, to: number): [string, string, number][] {
    const prior = this.priorStatesAt(from);
    const byDevice = new Map<string, { online: boolean; at: number }[]>();
    for (const c of this.changes.all(from, to) as { device_id: string; online: number; at: number }[]) {
      const list = byDevice.get(c.device_id) ?? [];
      list.push({ online: !!c.online, at: c.at });
      byDevice.set(c.device_id, list);
    }
    const rows: [string, string, number][] = [];
    for (const device of this.devices.all(to) as { id: string; created_at: number }[]) {
      const start = Math.max(from, device.created_at);
      rows.push([device.id, day, Math.round(onlineMs(prior.get(device.id) ?? false, byDevice.get(device.id) ?? [], start, to) / 1000)]);
    }
    return rows;
  }

  /**
   * Each device's state when the day starting at `from` began. A late transition (the presence
   * sweep closing a cluster that fell silent just before midnight) can still land before `from`
   * within the first hour; after that the answer is kept.
   */
  private priorStatesAt(from: number): Map<string, boolean> {
    const kept = this.settledPriorStates.get(from);
    if (kept) return kept;
    const prior = new Map((this.priorStates.all(from) as { device_id: string; online: number }[]).map((r) => [r.device_id, !!r.online]));
    if (this.clock() - from >= SETTLED_AFTER_MS) {
      if (this.settledPriorStates.size >= 4) this.settledPriorStates.clear();
      this.settledPriorStates.set(from, prior);
    }
    return prior;
  }

  /**
   * The 5-minute job: seconds online for today (and yesterday within the day's first hour, when
   * its last minutes may still arrive late), and the heartbeats received since the last run added
   * to their local day. The first run (no watermark yet) recomputes both days from scratch.
   */
  rollupRecent(): Promise<RollupRun> {
    // The start-up catch-up and the timer may meet: one run at a time, the second shares the first.
    this.running ??= this.runRecent().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runRecent(): Promise<RollupRun> {
    const t0 = performance.now();
    const now = this.clock();
    const days = [localDay(now - 86_400_000, this.timezone), localDay(now, this.timezone)];
    const upTo = this.maxHeartbeatId.get() as number;
    const watermark = this.readWatermark.get() as number | undefined;
    if (watermark === undefined) {
      const rows = days.reduce((n, day) => n + this.rollupDay(day), 0);
      this.saveWatermark.run(upTo);
      return { rows, heartbeats: null, readMs: performance.now() - t0, writeMs: 0 };
    }
    const increments = new Map<string, DailyIncrement>();
    const incrementOf = (device: string, day: string): DailyIncrement => {
      const key = `${device}\u0000${day}`;
      const kept = increments.get(key);
      if (kept) return kept;
      const fresh: DailyIncrement = { device, day, onlineS: null, n: 0, maxOffset: null, sumSignal: 0, nSignal: 0 };
      increments.set(key, fresh);
      return fresh;
    };
    // Yesterday's seconds online are settled an hour after midnight (the presence sweep closes a
    // silent cluster within minutes); recomputing them all day doubled the job's cost.
    for (const day of new Set([localDay(now - SETTLED_AFTER_MS, this.timezone), days[1]!])) {
      const { from, to } = dayBounds(day, this.timezone);
      if (to <= from) continue;
      for (const [device, , seconds] of this.onlineSeconds(day, from, Math.min(to, now))) incrementOf(device, day).onlineS = seconds;
    }
    let heartbeats = 0;
    if (upTo > watermark) {
      // Every local day the new heartbeats fall in: normally today; after a long stop, more.
      const range = this.newRange.get(watermark, upTo) as { oldest: number; newest: number };
      for (let day = localDay(range.oldest, this.timezone); ; day = nextDay(day)) {
        const { from, to } = dayBounds(day, this.timezone);
        const rows = this.newHeartbeatStats.all(watermark, upTo, from, to) as { device_id: string; n: number; max_offset: number | null; sum_signal: number | null; n_signal: number }[];
        for (const r of rows) {
          Object.assign(incrementOf(r.device_id, day), { n: r.n, maxOffset: r.max_offset, sumSignal: r.sum_signal ?? 0, nSignal: r.n_signal });
          heartbeats += r.n;
        }
        if (to > range.newest) break;
      }
    }
    const readMs = performance.now() - t0;
    // The heartbeats since `upTo` belong to the next run, and seconds online were computed for
    // `now`: what the writer commits in between changes neither.
    await yieldToEventLoop();
    const t1 = performance.now();
    this.writeIncrements([...increments.values()], upTo);
    return { rows: increments.size, heartbeats, readMs, writeMs: performance.now() - t1 };
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
