// The transcode benchmark in tiny mode, so its code cannot rot: it must run end to end and
// report positive figures of the agreed shape. Timing is never asserted here (see npm run bench).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { transcodeScenario } from './transcode.js';

const workDir = mkdtempSync(path.join(os.tmpdir(), 'loa-bench-transcode-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('transcode benchmark (tiny)', () => {
  it('runs Loa’s transcode and the same commands by hand and reports positive figures', async () => {
    const result = await transcodeScenario({ tiny: true, params: {}, workDir, log: () => {} });
    expect(result.name).toBe('transcode');
    expect(result.params).toMatchObject({ durationS: 10, runs: 1 });
    expect(result.figures.map((f) => f.unit)).toEqual(['× real time', '× real time', 'ratio', 'ratio', 'LUFS']);
    for (const figure of result.figures.slice(0, 4)) {
      expect(typeof figure.value, figure.label).toBe('number');
      expect(figure.value!, figure.label).toBeGreaterThan(0);
    }
    expect(result.figures[0]!.target).toBe('≥ 15');
    expect(result.figures[2]!.target).toBe('≤ 1.05');
    expect(result.notes.length).toBeGreaterThan(0);
  }, 240_000);
});
