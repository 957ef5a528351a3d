// The simulator's link effects against a real Loa: random disconnects are made and recovered
// from (the agents reconnect on their own), and a slow link delays every packet by its latency.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFleetRun, stopFleetRun } from './run-fleet.js';

const workDir = mkdtempSync(path.join(os.tmpdir(), 'loa-fleet-links-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('fleet link effects', () => {
  it('drops links at random and the agents come back; a slow link adds its latency to every heartbeat', async () => {
    const options = { tiny: true, params: {}, workDir, log: () => {} };
    // 30 per minute: each connected agent loses its link with probability 0.5 every second.
    const run = await startFleetRun(options, { agents: 4, processes: 1, heartbeatS: 0.5, jitter: false, disconnectRatePerMin: 30, slowLinkMs: 150, rampPerS: 200 });
    try {
      await expect.poll(() => run.fleet.totals().disconnects, { timeout: 20_000, interval: 200 }).toBeGreaterThanOrEqual(2);
      // Reconnected: more connections than agents, and heartbeats still arriving afterwards.
      await expect.poll(() => run.fleet.totals().connects, { timeout: 20_000, interval: 200 }).toBeGreaterThan(4);
      const beatsSoFar = run.fleet.totals().beats;
      await expect.poll(() => run.fleet.totals().beats, { timeout: 20_000, interval: 200 }).toBeGreaterThan(beatsSoFar);
      // Agent timestamp → receipt at the controller: never less than the link's one-way latency.
      const delays = run.loa.ctx.database.sqlite.prepare('SELECT received_at - device_ts AS d FROM heartbeats').pluck().all() as number[];
      expect(delays.length).toBeGreaterThan(0);
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(140);
    } finally {
      await stopFleetRun(run);
    }
  }, 120_000);
});
