// agent-footprint in tiny mode, so its code cannot rot: a real agent comes online against a
// real Loa, idles, and is measured twice (with and without the documented NODE_OPTIONS).
// Sizes are never asserted here (see npm run bench).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentFootprintScenario, documentedNodeOptions } from './agent-footprint.js';

const workDir = mkdtempSync(path.join(os.tmpdir(), 'loa-bench-agent-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('agent-footprint benchmark (tiny)', () => {
  it('takes the NODE_OPTIONS from the systemd unit in docs/agent.md', () => {
    expect(documentedNodeOptions()).toMatch(/--max-semi-space-size=\d+/);
  });

  it('measures an idle, connected agent’s RSS and CPU with and without the documented NODE_OPTIONS', async () => {
    const result = await agentFootprintScenario({ tiny: true, params: {}, workDir, log: () => {} });
    expect(result.name).toBe('agent-footprint');
    expect(result.params).toEqual({ idleS: 3 });
    expect(result.figures.map((f) => f.unit)).toEqual(['MB', '%', 'MB', 'MB', '%']);
    for (const f of result.figures) {
      expect(Number.isFinite(f.value), f.label).toBe(true);
      expect(f.value!, f.label).toBeGreaterThanOrEqual(0);
    }
    // An RSS of a few MB would mean we measured the wrong process.
    expect(result.figures[0]!.value!).toBeGreaterThan(20);
    expect(result.figures[0]).toMatchObject({ target: '≤ 60 MB' });
  }, 120_000);
});
