import { describe, expect, it } from 'vitest';
import { ConnectRateLimiter } from './rate-limit.js';

function limiter(burst: number, ratePerS: number, maxAddresses?: number) {
  let now = 1_000_000;
  const l = new ConnectRateLimiter({ burst, ratePerS, now: () => now, ...(maxAddresses ? { maxAddresses } : {}) });
  return { l, advance: (ms: number) => (now += ms) };
}

describe('ConnectRateLimiter', () => {
  it('allows a burst per address, then refuses until tokens come back', () => {
    const { l, advance } = limiter(3, 2);
    expect([l.take('a'), l.take('a'), l.take('a'), l.take('a')]).toEqual([true, true, true, false]);
    advance(499);
    expect(l.take('a')).toBe(false);
    advance(1);
    expect(l.take('a')).toBe(true);
  });

  it('keeps separate buckets per address', () => {
    const { l } = limiter(1, 1);
    expect(l.take('a')).toBe(true);
    expect(l.take('a')).toBe(false);
    expect(l.take('b')).toBe(true);
  });

  it('never refills beyond the burst', () => {
    const { l, advance } = limiter(2, 10);
    l.take('a');
    advance(60_000);
    expect([l.take('a'), l.take('a'), l.take('a')]).toEqual([true, true, false]);
  });

  it('forgets addresses whose bucket has refilled, so memory stays bounded', () => {
    const { l, advance } = limiter(2, 1);
    for (let i = 0; i < 100; i++) l.take(`10.0.0.${i}`);
    expect(l.size).toBe(100);
    advance(999);
    l.sweep();
    expect(l.size).toBe(100);
    advance(1);
    l.sweep();
    expect(l.size).toBe(0);
  });

  it('stops tracking new addresses at the cap but never refuses them for it', () => {
    const { l } = limiter(1, 0.01, 3);
    for (const a of ['a', 'b', 'c']) l.take(a);
    expect(l.take('d')).toBe(true);
    expect(l.take('d')).toBe(true);
    expect(l.size).toBe(3);
    expect(l.take('a')).toBe(false);
  });
});
