// The telemetry benchmark in tiny mode, so its code cannot rot: heartbeats from simulated agents
// must reach the database and be counted, with latencies measured. No timing is asserted.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { telemetryScenario } from './telemetry.js';

const workDir = mkdtempSync(path.join(os.tmpdir(), 'loa-bench-telemetry-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('telemetry benchmark (tiny)', () => {
  it('counts heartbeats committed to the database and their ingest latency', async () => {
    const result = await telemetryScenario({ tiny: true, params: {}, workDir, log: () => {} });
    expect(result.name).toBe('telemetry');
    expect(result.params).toMatchObject({ agents: 10, durationS: 4 });
    expect(result.figures.map((f) => f.unit)).toEqual(['/s', 'ms', 'ms', '/s', 'ms', '%']);
    expect(result.figures[0]!.value!).toBeGreaterThan(0);
    expect(result.figures[0]!.target).toBe('≥ 10000');
    expect(result.figures[1]!.value!).toBeGreaterThanOrEqual(0);
    expect(result.figures[1]!.target).toBe('≤ 300');
    expect(result.figures[3]!.value!).toBeGreaterThan(0);
    // The controller's share is part of the whole: never more than agent ts → committed.
    expect(result.figures[4]!.value!).toBeGreaterThanOrEqual(0);
    expect(result.figures[4]!.value!).toBeLessThanOrEqual(result.figures[1]!.value!);
    expect(result.figures[5]!.value!).toBeGreaterThan(0);
    expect(result.figures[5]!.value!).toBeLessThanOrEqual(100);
  }, 120_000);
});
