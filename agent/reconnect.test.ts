import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../platform/logger.js';
import { systemClock } from './clock.js';
import { Reconnector } from './reconnect.js';

describe('Reconnector', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const make = () =>
    new Reconnector({
      clock: systemClock,
      log: silentLogger,
      random: () => 1,
      backoff: { baseMs: 1_000, capMs: 8_000 },
      refusedBackoff: { baseMs: 60_000, capMs: 600_000, minMs: 30_000 },
      stableAfterMs: 60_000,
    });

  it('backs off further with every failed attempt, one retry at a time', () => {
    const r = make();
    const retry = vi.fn();
    for (const expected of [1_000, 2_000, 4_000, 8_000, 8_000]) {
      r.schedule(false, retry);
      r.schedule(false, retry); // a second close event must not queue a second retry
      expect(r.lastDelayMs).toBe(expected);
      vi.advanceTimersByTime(expected - 1);
      const calls = retry.mock.calls.length;
      vi.advanceTimersByTime(1);
      expect(retry).toHaveBeenCalledTimes(calls + 1);
    }
  });

  it('starts again from the first step only after a connection proved stable', () => {
    const r = make();
    const retry = vi.fn();
    for (let i = 0; i < 3; i++) {
      r.schedule(false, retry);
      vi.runOnlyPendingTimers();
    }
    expect(r.attempt).toBe(3);
    r.connected();
    vi.advanceTimersByTime(59_000);
    r.disconnected(); // flapped after 59 s: keep backing off
    expect(r.attempt).toBe(3);
    r.connected();
    vi.advanceTimersByTime(60_000);
    expect(r.attempt).toBe(0);
    r.schedule(false, retry);
    expect(r.lastDelayMs).toBe(1_000);
  });

  it('waits long after a refusal, and cancel() stops a pending retry', () => {
    const r = make();
    const retry = vi.fn();
    r.schedule(true, retry);
    expect(r.lastDelayMs).toBe(60_000);
    r.cancel();
    vi.advanceTimersByTime(600_000);
    expect(retry).not.toHaveBeenCalled();
  });
});
