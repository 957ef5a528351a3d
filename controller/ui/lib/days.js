// Local days in the province's time zone, for daily charts: the browser may sit in another zone
// (or a phone's clock zone may be wrong), so days are computed from the configured zone.
import { SETTINGS } from '../config.js';
import { todayLocal } from './format.js';

const DAY_MS = 86_400_000;

/** The zone's UTC offset (ms) at an instant, e.g. +7 h for Asia/Ho_Chi_Minh. */
function offsetMs(at) {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: SETTINGS.timezone, timeZoneName: 'longOffset' })
    .formatToParts(new Date(at))
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name ?? '');
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3_600_000 + Number(m[3] ?? 0) * 60_000);
}

export function dayStartMs(day) {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  return utcMidnight - offsetMs(utcMidnight);
}

function addDays(day, n) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The last `count` local days with each day's uptime: seconds online over the seconds the
 * cluster existed that day (so the day it was provisioned and today are not understated).
 * Days with no rollup yet are null — unknown, not zero.
 */
export function dailyRatios(daily, createdAt, now, count = 30) {
  const byDay = new Map(daily.map((d) => [d.day, d.onlineS]));
  const today = todayLocal(now);
  const days = [];
  for (let i = count - 1; i >= 0; i--) {
    const day = addDays(today, -i);
    const start = Math.max(dayStartMs(day), createdAt);
    const end = Math.min(dayStartMs(addDays(day, 1)), now);
    if (end <= start) continue;
    const online = byDay.get(day);
    days.push({ day, ratio: online === undefined ? null : Math.min(1, online / ((end - start) / 1000)) });
  }
  return days;
}
