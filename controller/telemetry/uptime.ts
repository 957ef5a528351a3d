// Uptime from stored presence transitions: the share of a window during which a device was
// online. The state at the window's start is the last transition before it.
import type Database from 'better-sqlite3';

export interface Transition {
  online: boolean;
  at: number;
}

/** Seconds online within [from, to), given the state before `from` and the transitions inside. */
export function onlineMs(initiallyOnline: boolean, transitions: Transition[], from: number, to: number): number {
  let online = initiallyOnline;
  let since = from;
  let total = 0;
  for (const t of transitions) {
    if (t.at < from) {
      online = t.online;
      continue;
    }
    if (t.at >= to) break;
    if (online) total += t.at - since;
    online = t.online;
    since = t.at;
  }
  if (online) total += to - since;
  return total;
}

export interface UptimeResult {
  deviceId: string;
  onlineMs: number;
  windowMs: number;
  ratio: number;
}

export class UptimeCalculator {
  private readonly before: Database.Statement;
  private readonly within: Database.Statement;

  constructor(sqlite: Database.Database) {
    this.before = sqlite.prepare('SELECT online FROM device_state_changes WHERE device_id = ? AND at < ? ORDER BY at DESC, id DESC LIMIT 1');
    this.within = sqlite.prepare('SELECT online, at FROM device_state_changes WHERE device_id = ? AND at >= ? AND at < ? ORDER BY at, id');
  }

  /** A window that starts before the device existed counts only from its creation. */
  forDevice(deviceId: string, from: number, to: number, createdAt = from): UptimeResult {
    const start = Math.max(from, createdAt);
    if (to <= start) return { deviceId, onlineMs: 0, windowMs: 0, ratio: 0 };
    const prior = this.before.get(deviceId, start) as { online: number } | undefined;
    const rows = this.within.all(deviceId, start, to) as { online: number; at: number }[];
    const ms = onlineMs(!!prior?.online, rows.map((r) => ({ online: !!r.online, at: r.at })), start, to);
    const windowMs = to - start;
    return { deviceId, onlineMs: ms, windowMs, ratio: ms / windowMs };
  }

  /** Online periods within the window, for the device page's history. */
  periods(deviceId: string, from: number, to: number): { from: number; to: number }[] {
    const prior = this.before.get(deviceId, from) as { online: number } | undefined;
    const rows = this.within.all(deviceId, from, to) as { online: number; at: number }[];
    const periods: { from: number; to: number }[] = [];
    let start: number | null = prior?.online ? from : null;
    for (const r of rows) {
      if (r.online && start === null) start = r.at;
      if (!r.online && start !== null) {
        periods.push({ from: start, to: r.at });
        start = null;
      }
    }
    if (start !== null) periods.push({ from: start, to });
    return periods;
  }
}
