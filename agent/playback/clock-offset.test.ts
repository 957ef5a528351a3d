import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../platform/logger.js';
import { systemClock } from '../clock.js';
import { ClockOffset } from './clock-offset.js';
import { type MediaServer, startMediaServer } from './test-support.js';

let server: MediaServer;
beforeEach(async () => {
  server = await startMediaServer('u', 'p');
});
afterEach(() => server.close());

describe('ClockOffset', () => {
  it('measures the controller clock minus ours, NTP-style, and reports it', async () => {
    server.clockSkewMs = 4_000; // the controller's clock is 4 s ahead of ours
    const offset = new ClockOffset(server.url, systemClock, silentLogger);
    expect(offset.reading()).toBeNull();
    const sample = await offset.measure();
    expect(sample!.rttMs).toBeGreaterThanOrEqual(0);
    // Within half the round trip (plus rounding) of the truth.
    expect(Math.abs(sample!.offsetMs - 4_000)).toBeLessThanOrEqual(sample!.rttMs / 2 + 1);
    expect(offset.reading()).toBe(sample!.offsetMs);
  });

  it('reports nothing rather than a guess when the controller cannot be asked', async () => {
    const offset = new ClockOffset('http://127.0.0.1:1', systemClock, silentLogger);
    expect(await offset.measure()).toBeUndefined();
    expect(offset.reading()).toBeNull();
  });
});
