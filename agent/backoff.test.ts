import { describe, expect, it } from 'vitest';
import { backoffDelay, RECONNECT_BACKOFF, REFUSED_BACKOFF } from './backoff.js';

describe('backoffDelay', () => {
  it('grows the ceiling exponentially from the base up to the cap', () => {
    const max = (attempt: number) => backoffDelay(attempt, RECONNECT_BACKOFF, () => 1);
    expect([0, 1, 2, 3, 4, 5, 6, 7, 100].map(max)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('uses full jitter: anywhere from zero to the ceiling', () => {
    expect(backoffDelay(3, RECONNECT_BACKOFF, () => 0)).toBe(0);
    expect(backoffDelay(3, RECONNECT_BACKOFF, () => 0.5)).toBe(4_000);
    expect(backoffDelay(3, RECONNECT_BACKOFF, () => 0.999999)).toBeLessThanOrEqual(8_000);
  });

  it('stays within bounds for any attempt and random value', () => {
    for (let attempt = 0; attempt < 2_000; attempt += 7) {
      const d = backoffDelay(attempt, RECONNECT_BACKOFF);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(RECONNECT_BACKOFF.capMs);
      expect(Number.isFinite(d)).toBe(true);
    }
  });

  it('spreads a fleet: 20,000 clients retrying at the same step do not bunch up', () => {
    const delays = Array.from({ length: 20_000 }, () => backoffDelay(5, RECONNECT_BACKOFF));
    const buckets = new Array(10).fill(0);
    for (const d of delays) buckets[Math.min(9, Math.floor(d / 3_200))]++;
    // Uniform over [0, 32 s]: every tenth of the window gets roughly a tenth of the fleet.
    for (const count of buckets) expect(count).toBeGreaterThan(1_500);
    expect(new Set(delays).size).toBeGreaterThan(5_000);
  });

  it('keeps refused connections slow: never below the minimum', () => {
    for (const r of [0, 0.3, 1]) {
      const d = backoffDelay(0, REFUSED_BACKOFF, () => r);
      expect(d).toBeGreaterThanOrEqual(30_000);
      expect(d).toBeLessThanOrEqual(60_000);
    }
    expect(backoffDelay(50, REFUSED_BACKOFF, () => 1)).toBe(REFUSED_BACKOFF.capMs);
  });

  it('clamps a misbehaving random source and negative attempts', () => {
    expect(backoffDelay(-3, RECONNECT_BACKOFF, () => 7)).toBe(1_000);
    expect(backoffDelay(2, RECONNECT_BACKOFF, () => -1)).toBe(0);
  });
});
