import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { lastCompleteDays, parsePeriod } from './period.js';

const ZONE = 'Asia/Ho_Chi_Minh';
// 2025-07-15 10:00 in Hà Nội.
const NOW = Date.parse('2025-07-15T10:00:00+07:00');

describe('report periods', () => {
  it('covers whole local days, the last one included', () => {
    const p = parsePeriod('2025-01-01', '2025-06-30', ZONE, NOW);
    expect(p.fromMs).toBe(Date.parse('2025-01-01T00:00:00+07:00'));
    expect(p.toMs).toBe(Date.parse('2025-07-01T00:00:00+07:00'));
    expect(p.uptimeToMs).toBe(p.toMs);
    expect(p.uptimeToDay).toBe('2025-07-01');
  });

  it('measures uptime only up to the start of today when the period reaches into today', () => {
    const p = parsePeriod('2025-07-01', '2025-12-31', ZONE, NOW);
    expect(p.toMs).toBe(Date.parse('2026-01-01T00:00:00+07:00'));
    expect(p.uptimeToMs).toBe(Date.parse('2025-07-15T00:00:00+07:00'));
    expect(p.uptimeToDay).toBe('2025-07-15');
  });

  it('has nothing to measure for a period that starts after today', () => {
    const p = parsePeriod('2026-01-01', '2026-06-30', ZONE, NOW);
    expect(p.uptimeToMs).toBe(p.fromMs);
  });

  it('refuses a period that ends before it starts, a bad date, or one longer than ten years', () => {
    for (const [from, to] of [
      ['2025-06-30', '2025-01-01'],
      ['2025-02-30', '2025-03-01'],
      ['2010-01-01', '2025-01-01'],
    ]) {
      expect(() => parsePeriod(from!, to!, ZONE, NOW)).toThrow(AppError);
    }
  });

  it('takes the last 30 complete days before today', () => {
    const p = lastCompleteDays(30, ZONE, NOW);
    expect([p.from, p.to]).toEqual(['2025-06-15', '2025-07-14']);
    expect(p.uptimeToMs).toBe(Date.parse('2025-07-15T00:00:00+07:00'));
  });
});
