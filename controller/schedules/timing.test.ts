import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { AppError } from '../errors.js';
import { expandTiming, type TimingRule, validateTiming } from './timing.js';

const ZONE = 'Asia/Ho_Chi_Minh';
const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toMillis();
const local = (ms: number) => DateTime.fromMillis(ms, { zone: ZONE }).toFormat("ccc yyyy-MM-dd'T'HH:mm:ss");
const code = (fn: () => void) => {
  try {
    fn();
  } catch (err) {
    return (err as AppError).code;
  }
  return 'ok';
};

describe('timing rules', () => {
  const now = at('2026-03-02T12:00'); // a Monday

  it('expands days-of-week + times in local wall-clock time', () => {
    const rule: TimingRule = { timing: { kind: 'weekly', daysOfWeek: [1, 3], times: ['17:00', '05:30'] }, timezone: ZONE };
    const { starts } = expandTiming(rule, now, at('2026-03-09T12:00'));
    expect(starts.map(local)).toEqual(['Mon 2026-03-02T17:00:00', 'Wed 2026-03-04T05:30:00', 'Wed 2026-03-04T17:00:00', 'Mon 2026-03-09T05:30:00']);
  });

  it('expands a cron expression Monday to Saturday at 05:30, never Sunday', () => {
    const { starts } = expandTiming({ timing: { kind: 'cron', cron: '30 5 * * 1-6' }, timezone: ZONE }, now, at('2026-03-10T00:00'));
    expect(starts.map(local)).toEqual([
      'Tue 2026-03-03T05:30:00',
      'Wed 2026-03-04T05:30:00',
      'Thu 2026-03-05T05:30:00',
      'Fri 2026-03-06T05:30:00',
      'Sat 2026-03-07T05:30:00',
      'Mon 2026-03-09T05:30:00',
    ]);
  });

  it('places times in the schedule zone, not the server zone', () => {
    const { starts } = expandTiming({ timing: { kind: 'weekly', daysOfWeek: [2], times: ['05:30'] }, timezone: 'Asia/Tokyo' }, now, at('2026-03-04T00:00'));
    expect(new Date(starts[0]!).toISOString()).toBe('2026-03-02T20:30:00.000Z');
  });

  it('honours the validity window and the last day of the month', () => {
    const rule: TimingRule = { timing: { kind: 'cron', cron: '0 6 L * *' }, timezone: ZONE, validFrom: '2026-03-01', validTo: '2026-05-15' };
    const { starts } = expandTiming(rule, now, at('2027-01-01T00:00'));
    expect(starts.map(local)).toEqual(['Tue 2026-03-31T06:00:00', 'Thu 2026-04-30T06:00:00']);
  });

  it('gives a one-off only inside the window', () => {
    const rule: TimingRule = { timing: { kind: 'once', at: '2026-03-03T07:15' }, timezone: ZONE };
    expect(expandTiming(rule, now, at('2026-03-04T00:00')).starts).toEqual([at('2026-03-03T07:15')]);
    expect(expandTiming(rule, now, at('2026-03-03T07:00')).starts).toEqual([]);
  });

  it('stops a runaway cron and says so', () => {
    const out = expandTiming({ timing: { kind: 'cron', cron: '* * * * * *' }, timezone: ZONE }, now, at('2026-03-09T00:00'), 100);
    expect(out).toMatchObject({ truncated: true });
    expect(out.starts).toHaveLength(100);
  });

  it('refuses past one-offs, bad cron, bad times and reversed windows with catalogue codes', () => {
    expect(code(() => validateTiming({ timing: { kind: 'once', at: '2026-03-02T11:59' }, timezone: ZONE }, now))).toBe('schedule_in_past');
    expect(code(() => validateTiming({ timing: { kind: 'once', at: 'tomorrow' }, timezone: ZONE }, now))).toBe('invalid_timing');
    expect(code(() => validateTiming({ timing: { kind: 'cron', cron: '61 5 * * *' }, timezone: ZONE }, now))).toBe('invalid_cron');
    expect(code(() => validateTiming({ timing: { kind: 'cron', cron: '0 5 * *' }, timezone: ZONE }, now))).toBe('invalid_cron');
    expect(code(() => validateTiming({ timing: { kind: 'cron', cron: '0 5 * * 1#2' }, timezone: ZONE }, now))).toBe('invalid_cron');
    expect(code(() => validateTiming({ timing: { kind: 'weekly', daysOfWeek: [1], times: ['25:00'] }, timezone: ZONE }, now))).toBe('invalid_timing');
    expect(code(() => validateTiming({ timing: { kind: 'weekly', daysOfWeek: [8], times: ['05:00'] }, timezone: ZONE }, now))).toBe('invalid_timing');
    expect(code(() => validateTiming({ timing: { kind: 'weekly', daysOfWeek: [1], times: ['05:00'] }, timezone: ZONE, validFrom: '2026-04-01', validTo: '2026-03-01' }, now))).toBe('invalid_timing');
    expect(code(() => validateTiming({ timing: { kind: 'weekly', daysOfWeek: [1], times: ['05:00'] }, timezone: ZONE, validTo: '2026-03-01' }, now))).toBe('schedule_in_past');
    expect(code(() => validateTiming({ timing: { kind: 'cron', cron: '30 5 * * 1-6' }, timezone: 'Mars/Base' }, now))).toBe('invalid_timing');
    expect(code(() => validateTiming({ timing: { kind: 'cron', cron: '30 5 * * 1-6' }, timezone: ZONE }, now))).toBe('ok');
  });
});
