// Report periods in the province's local days. Decision 1655 asks for a report every 6 months,
// every year and for the whole 2021–2025 scheme; a period is any run of whole local days.
// Uptime counts complete days only (today's rollup is still moving), so a period that reaches
// into today has its uptime measured up to the start of today.
import { DateTime } from 'luxon';
import { AppError } from '../errors.js';

export interface Period {
  /** First local day, inclusive (YYYY-MM-DD). */
  from: string;
  /** Last local day, inclusive. */
  to: string;
  fromMs: number;
  /** Start of the day after `to`. */
  toMs: number;
  /** Uptime window end: the start of the day after `to`, or the start of today if earlier. */
  uptimeToMs: number;
  /** The local day of `uptimeToMs` (exclusive bound for daily rollups). */
  uptimeToDay: string;
}

const MAX_DAYS = 3700;

export function parsePeriod(from: string, to: string, timezone: string, now: number): Period {
  const start = DateTime.fromISO(from, { zone: timezone }).startOf('day');
  const last = DateTime.fromISO(to, { zone: timezone }).startOf('day');
  if (!start.isValid || !last.isValid) throw new AppError('report_period_invalid', { reason: `${from} – ${to}` });
  if (last < start) throw new AppError('report_period_invalid', { reason: `${to} < ${from}` });
  const end = last.plus({ days: 1 });
  if (end.diff(start, 'days').days > MAX_DAYS) throw new AppError('report_period_invalid', { reason: `> ${MAX_DAYS}` });
  const today = DateTime.fromMillis(now, { zone: timezone }).startOf('day');
  const uptimeEnd = DateTime.min(end, today);
  return {
    from: start.toISODate()!,
    to: last.toISODate()!,
    fromMs: start.toMillis(),
    toMs: end.toMillis(),
    uptimeToMs: Math.max(uptimeEnd.toMillis(), start.toMillis()),
    uptimeToDay: DateTime.max(uptimeEnd, start).toISODate()!,
  };
}

/** The last `days` complete local days before today. */
export function lastCompleteDays(days: number, timezone: string, now: number): Period {
  const today = DateTime.fromMillis(now, { zone: timezone }).startOf('day');
  return parsePeriod(today.minus({ days }).toISODate()!, today.minus({ days: 1 }).toISODate()!, timezone, now);
}
