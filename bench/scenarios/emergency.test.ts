// The emergency fan-out benchmark in tiny mode, so its code cannot rot: one API call must make
// every simulated agent play, and the controller must record it. No timing is asserted.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emergencyScenario } from './emergency.js';

const workDir = mkdtempSync(path.join(os.tmpdir(), 'loa-bench-emergency-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('emergency benchmark (tiny)', () => {
  it('times emergency calls until every agent plays and the controller has recorded it, round after round', async () => {
    const result = await emergencyScenario({ tiny: true, params: {}, workDir, log: () => {} });
    expect(result.name).toBe('emergency');
    expect(result.params).toMatchObject({ agents: '5', rounds: 2 });
    expect(result.figures.map((f) => f.unit)).toEqual(['ms', 'ms', 'ms', 'ms', 'ms', 'ms', 'ms', 'ms', '%']);
    for (const f of result.figures) {
      expect(typeof f.value, f.label).toBe('number');
      expect(f.value!, f.label).toBeGreaterThanOrEqual(0);
    }
    expect(result.figures[0]!.target).toBe('≤ 1500 (at 10000)');
    expect(result.figures[0]!.label).toContain('median of 2 rounds');
    const [median, fastest, slowest] = result.figures.map((f) => f.value!);
    expect(fastest).toBeLessThanOrEqual(median!);
    expect(median).toBeLessThanOrEqual(slowest!);
    expect(result.figures[8]!.value!).toBeLessThanOrEqual(100);
    const notes = result.notes.join('\n');
    // The second round played a new emergency after the first was stopped: every agent played both.
    for (const n of [1, 2]) {
      expect(notes).toMatch(new RegExp(`N=5: round ${n}: 99% playing at \\d+ ms; 5 agents played, 5 recorded; median \\d+ ms; fan-out window \\d+ ms on \\d+ cores: Loa's process used \\d+ ms of CPU, the simulated agents \\d+ ms`));
    }
  }, 120_000);
});
