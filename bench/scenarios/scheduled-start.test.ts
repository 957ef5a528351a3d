// The scheduled-start benchmark in tiny mode, so its code cannot rot: a one-off schedule must be
// delivered to every simulated agent, fetched and started, and the skew measured. No timing is asserted.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scheduledStartScenario } from './scheduled-start.js';

const workDir = mkdtempSync(path.join(os.tmpdir(), 'loa-bench-scheduled-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('scheduled-start benchmark (tiny)', () => {
  it('starts a scheduled bulletin on every agent and reports the skew', async () => {
    const result = await scheduledStartScenario({ tiny: true, params: {}, workDir, log: () => {} });
    expect(result.name).toBe('scheduled-start');
    expect(result.params).toMatchObject({ agents: 5 });
    expect(result.figures.map((f) => f.unit)).toEqual(['ms', 'ms', 'ms', 'agents']);
    expect(result.figures[3]!.value).toBe(5);
    for (const f of result.figures.slice(0, 3)) {
      expect(typeof f.value, f.label).toBe('number');
      expect(f.value!, f.label).toBeGreaterThanOrEqual(0);
    }
    expect(result.figures[1]!.target).toBe('≤ 20');
  }, 120_000);
});
