// The api benchmark in tiny mode, so its code cannot rot: a small province is written into a
// real database, the controller starts on it in its own process, and every console endpoint
// answers the province administrator. Latencies are never asserted (see npm run bench).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiScenario, ENDPOINTS } from './api.js';

const workDir = mkdtempSync(path.join(os.tmpdir(), 'loa-bench-api-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('api benchmark (tiny)', () => {
  it('measures p50 and p95 of the overview, station and device lists over a generated province', async () => {
    const result = await apiScenario({ tiny: true, params: {}, workDir, log: () => {} });
    expect(result.name).toBe('api');
    expect(result.params).toMatchObject({ devices: 500, days: 30 });
    expect(result.figures).toHaveLength(ENDPOINTS.length * 2 + 3);
    expect(result.figures.slice(-3).map((f) => f.label)).toEqual([
      expect.stringMatching(/rollup job, every 5 min: longest hold/),
      expect.stringMatching(/rollup job, every 5 min: read \+ write/),
      expect.stringMatching(/rollup, first run/),
    ]);
    expect(result.notes.join('\n')).toMatch(/for [\d,]+ new heartbeats/);
    for (const f of result.figures) expect(f.value!, f.label).toBeGreaterThan(0);
    expect(result.figures.filter((f) => f.target === '≤ 100 ms').map((f) => f.label)).toEqual(ENDPOINTS.map((e) => `${e.label}: p95`));
    // The overview really read the generated province (the scenario checks its device total).
    expect(result.notes.join('\n')).toMatch(/overview sees 500 devices, \d+ online/);
    expect(result.notes[0]).toMatch(/500 devices over 108 communes/);
  }, 120_000);
});
