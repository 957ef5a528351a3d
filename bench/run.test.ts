// The runner's main path: every scenario runs in its own scratch folder that is removed
// afterwards, a crash or a skip is recorded and the others still run, and the result files land
// in the folder given with --out. The last test runs the real scenarios (all but transcode,
// which has its own test) at their tiny size, so the whole `npm run bench` path cannot rot.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBench } from './run.js';
import { type Scenario, ScenarioSkipped } from './scenario.js';
import { SCENARIOS } from './scenarios/index.js';

let outDir: string | null = null;
afterEach(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
  outDir = null;
});

describe('npm run bench runner', () => {
  it('records a crash and a skip, still runs the rest, passes overrides and cleans every scratch folder', async () => {
    outDir = mkdtempSync(path.join(os.tmpdir(), 'loa-bench-run-'));
    const workDirs: string[] = [];
    const seen: Array<Record<string, string>> = [];
    const scenarios: Record<string, Scenario> = {
      crashes: async (o) => {
        workDirs.push(o.workDir);
        throw new Error('the broker did not start');
      },
      skips: async (o) => {
        workDirs.push(o.workDir);
        throw new ScenarioSkipped('mosquitto is not installed: apt-get install mosquitto');
      },
      measures: async (o) => {
        workDirs.push(o.workDir);
        seen.push(o.params);
        expect(existsSync(o.workDir)).toBe(true);
        return { name: 'measures', params: { agents: Number(o.params.agents) }, figures: [{ label: 'rate', value: 3, unit: '/s', target: '≥ 2', met: true }], notes: ['n'] };
      },
    };
    const { results, files } = await runBench(['--agents=7', `--out=${outDir}`], { scenarios, log: () => {} });
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['crashes', 'failed'],
      ['skips', 'skipped'],
      ['measures', 'ok'],
    ]);
    expect(results[0]!.error).toBe('the broker did not start');
    expect(seen).toEqual([{ agents: '7' }]);
    expect(workDirs).toHaveLength(3);
    for (const dir of workDirs) expect(existsSync(dir), dir).toBe(false);
    expect(files.json).toBe(path.join(outDir, 'results.json'));
    const json = JSON.parse(readFileSync(files.json, 'utf8'));
    expect(json.machine.cores).toBe(os.cpus().length);
    expect(json.machine.node).toBe(process.version);
    expect(json.scenarios.measures.params).toEqual({ agents: 7 });
    expect(readFileSync(files.markdown, 'utf8')).toContain('| measures | rate | 3 /s | ≥ 2 | ✅ |');
  });

  it('runs only the scenarios named and keeps the others in the files', async () => {
    outDir = mkdtempSync(path.join(os.tmpdir(), 'loa-bench-run-'));
    const ran: string[] = [];
    const make =
      (name: string): Scenario =>
      async () => {
        ran.push(name);
        return { name, params: {}, figures: [{ label: 'x', value: ran.length, unit: '' }], notes: [] };
      };
    const scenarios = { a: make('a'), b: make('b') };
    await runBench([`--out=${outDir}`], { scenarios, log: () => {} });
    await runBench(['b', `--out=${outDir}`], { scenarios, log: () => {} });
    expect(ran).toEqual(['a', 'b', 'b']);
    const json = JSON.parse(readFileSync(path.join(outDir, 'results.json'), 'utf8'));
    expect(json.scenarios.a.figures[0].value).toBe(1);
    expect(json.scenarios.b.figures[0].value).toBe(3);
  });

  it('runs every real scenario but transcode at its tiny size into the given folder', async () => {
    outDir = mkdtempSync(path.join(os.tmpdir(), 'loa-bench-run-'));
    const names = Object.keys(SCENARIOS).filter((n) => n !== 'transcode');
    const { results } = await runBench([...names, '--tiny', `--out=${outDir}`], { log: () => {} });
    // Skipped counts as a failure here: the tiny versions must run in `npm test` (.ci/run installs mosquitto).
    expect(results.map((r) => [r.name, r.status, r.error ?? ''])).toEqual(names.map((n) => [n, 'ok', '']));
    for (const r of results) expect(r.figures.length, r.name).toBeGreaterThan(0);
    const md = readFileSync(path.join(outDir, 'RESULTS.md'), 'utf8');
    for (const name of names) expect(md).toContain(`### ${name}`);
  }, 300_000);
});
