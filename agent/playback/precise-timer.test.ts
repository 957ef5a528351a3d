import { describe, expect, it } from 'vitest';
import { type Clock, systemClock } from '../clock.js';
import { atTime } from './precise-timer.js';

describe('atTime', () => {
  it('fires at the wall-clock instant, not before it', async () => {
    const at = Date.now() + 150;
    const fired = await new Promise<number>((resolve) => atTime(systemClock, at, () => resolve(Date.now())));
    expect(fired).toBeGreaterThanOrEqual(at);
  });

  it('follows the wall clock when it is stepped during a long wait', async () => {
    // NTP steps the clock forward by almost an hour while we wait: the timer re-measures at its
    // next step (every minute by default; 50 ms here) instead of sleeping the whole hour.
    let offset = 0;
    const stepped: Clock = { ...systemClock, now: () => Date.now() + offset };
    const at = Date.now() + 3_600_000;
    let firedAt = 0;
    const fired = new Promise<void>((resolve) =>
      atTime(stepped, at, () => {
        firedAt = stepped.now();
        resolve();
      }, 50),
    );
    await new Promise((r) => setTimeout(r, 120));
    expect(firedAt).toBe(0);
    offset = 3_600_000 - 200;
    await fired;
    expect(firedAt).toBeGreaterThanOrEqual(at);
  });

  it('never fires once cancelled', async () => {
    let fired = false;
    const cancel = atTime(systemClock, Date.now() + 20, () => {
      fired = true;
    });
    cancel();
    await new Promise((r) => setTimeout(r, 60));
    expect(fired).toBe(false);
  });
});
