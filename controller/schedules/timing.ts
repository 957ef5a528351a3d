// Schedule timing rules in local wall-clock time with an IANA zone (architecture notes,
// "Scheduling and playback"): a one-off local date-time, a cron expression (validated and parsed
// with node-cron, same field semantics), or the friendly days-of-week + times form; all within
// an optional validity window of local dates. Pure functions: validation and expansion into
// start instants (UTC ms) over a window.
import { DateTime } from 'luxon';
import cron from 'node-cron';
import { AppError } from '../errors.js';

export type Timing =
  | { kind: 'once'; at: string }
  | { kind: 'cron'; cron: string }
  /** ISO days of week, 1 = Monday … 7 = Sunday; times `HH:mm` or `HH:mm:ss`. */
  | { kind: 'weekly'; daysOfWeek: number[]; times: string[] };

export interface TimingRule {
  timing: Timing;
  timezone: string;
  /** Local dates `YYYY-MM-DD`, inclusive. */
  validFrom?: string | null;
  validTo?: string | null;
}

const TIME = /^([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9]))?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

interface DayFields {
  seconds: number[];
  minutes: number[];
  hours: number[];
  /** null = every day of the month */
  daysOfMonth: (number | 'L')[] | null;
  months: number[];
  /** cron weekdays, 0 = Sunday */
  weekdays: number[];
}

function parseTime(value: string): { hour: number; minute: number; second: number } {
  const m = TIME.exec(value);
  if (!m) throw new AppError('invalid_timing', { detail: `time "${value}" is not HH:mm` });
  return { hour: Number(m[1]), minute: Number(m[2]), second: Number(m[3] ?? 0) };
}

function cronFields(expression: string): DayFields {
  const checked = cron.validateDetailed(expression);
  if (!checked.valid) {
    throw new AppError('invalid_cron', { detail: checked.errors.map((e) => e.message).join('; ') || expression });
  }
  const f = cron.parse(expression);
  // The tokens W, L-n, n#k and nL are valid for node-cron but rare for radio programmes; they are
  // refused here rather than expanded approximately.
  const dom = f.dayOfMonth.filter((v) => v !== 'L');
  if (dom.some((v) => typeof v !== 'number') || f.dayOfWeek.some((v) => typeof v !== 'number')) {
    throw new AppError('invalid_cron', { detail: `${expression}: only numbers, ranges, lists, steps and L are supported in schedules` });
  }
  return {
    seconds: f.second,
    minutes: f.minute,
    hours: f.hour,
    daysOfMonth: f.dayOfMonth.length === 31 ? null : (f.dayOfMonth as (number | 'L')[]),
    months: f.month,
    weekdays: f.dayOfWeek as number[],
  };
}

function localDate(value: string | null | undefined, zone: string, field: string): DateTime | null {
  if (!value) return null;
  const d = DATE.test(value) ? DateTime.fromISO(value, { zone }) : null;
  if (!d?.isValid) throw new AppError('invalid_timing', { detail: `${field} "${value}" is not a date YYYY-MM-DD` });
  return d.startOf('day');
}

/** Checks a rule; throws a catalogue error (invalid_timing, invalid_cron, schedule_in_past). */
export function validateTiming(rule: TimingRule, now: number): void {
  if (!DateTime.now().setZone(rule.timezone).isValid) throw new AppError('invalid_timing', { detail: `unknown time zone ${rule.timezone}` });
  const from = localDate(rule.validFrom, rule.timezone, 'validFrom');
  const to = localDate(rule.validTo, rule.timezone, 'validTo');
  if (from && to && to < from) throw new AppError('invalid_timing', { detail: 'validTo is before validFrom' });
  const t = rule.timing;
  if (t.kind === 'once') {
    const at = DateTime.fromISO(t.at, { zone: rule.timezone });
    if (!at.isValid || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(t.at)) {
      throw new AppError('invalid_timing', { detail: `"${t.at}" is not a local date-time YYYY-MM-DDTHH:mm` });
    }
    if (at.toMillis() <= now) throw new AppError('schedule_in_past', { when: `${t.at} ${rule.timezone}` });
    return;
  }
  if (t.kind === 'cron') cronFields(t.cron);
  else {
    if (t.daysOfWeek.length === 0 || t.times.length === 0) throw new AppError('invalid_timing', { detail: 'daysOfWeek and times must not be empty' });
    if (t.daysOfWeek.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) throw new AppError('invalid_timing', { detail: 'daysOfWeek are 1 (Monday) to 7 (Sunday)' });
    for (const time of t.times) parseTime(time);
  }
  const today = DateTime.fromMillis(now, { zone: rule.timezone }).startOf('day');
  if (to && to < today) throw new AppError('schedule_in_past', { when: `${rule.validTo} ${rule.timezone}` });
}

/**
 * Start instants (UTC ms) of the rule within [fromMs, toMs), ascending. Stops after `max`
 * instants and reports `truncated`, so a runaway cron cannot expand into millions of rows.
 */
export function expandTiming(rule: TimingRule, fromMs: number, toMs: number, max = 5000): { starts: number[]; truncated: boolean } {
  const zone = rule.timezone;
  const t = rule.timing;
  if (t.kind === 'once') {
    const at = DateTime.fromISO(t.at, { zone }).toMillis();
    return { starts: at >= fromMs && at < toMs ? [at] : [], truncated: false };
  }
  const fields: DayFields =
    t.kind === 'cron'
      ? cronFields(t.cron)
      : { seconds: [], minutes: [], hours: [], daysOfMonth: null, months: [], weekdays: t.daysOfWeek.map((d) => d % 7) };
  const clock = t.kind === 'weekly' ? t.times.map(parseTime).sort((a, b) => a.hour - b.hour || a.minute - b.minute || a.second - b.second) : null;
  let day: DateTime = DateTime.fromMillis(fromMs, { zone }).startOf('day');
  const validFrom = localDate(rule.validFrom, zone, 'validFrom');
  if (validFrom && validFrom > day) day = validFrom;
  let last: DateTime = DateTime.fromMillis(toMs, { zone }).startOf('day');
  const validTo = localDate(rule.validTo, zone, 'validTo');
  if (validTo && validTo < last) last = validTo;
  const times = clock ?? cronTimes(fields);
  const starts: number[] = [];
  for (; day <= last; day = day.plus({ days: 1 })) {
    if (!dayMatches(day, fields, t.kind === 'cron')) continue;
    // Local hour starts come from luxon (zone rules); minutes and seconds are added as
    // milliseconds, which keeps a dense cron cheap. Zone transitions fall on hour boundaries.
    let hourBase = Number.NaN;
    let baseHour = -1;
    for (const { hour, minute, second } of times) {
      if (hour !== baseHour) {
        baseHour = hour;
        hourBase = day.set({ hour, minute: 0, second: 0, millisecond: 0 }).toMillis();
      }
      if (hourBase + 3_600_000 <= fromMs) continue;
      const at = hourBase + minute * 60_000 + second * 1000;
      if (at < fromMs || at >= toMs || starts[starts.length - 1] === at) continue;
      starts.push(at);
      if (starts.length >= max) return { starts, truncated: true };
    }
  }
  return { starts, truncated: false };
}

function dayMatches(day: DateTime, f: DayFields, isCron: boolean): boolean {
  if (!f.weekdays.includes(day.weekday % 7)) return false;
  if (!isCron) return true;
  if (!f.months.includes(day.month)) return false;
  if (f.daysOfMonth === null) return true;
  return f.daysOfMonth.some((v) => v === day.day || (v === 'L' && day.day === day.daysInMonth));
}

function cronTimes(f: DayFields): { hour: number; minute: number; second: number }[] {
  const out: { hour: number; minute: number; second: number }[] = [];
  for (const hour of f.hours) for (const minute of f.minutes) for (const second of f.seconds) out.push({ hour, minute, second });
  return out;
}
