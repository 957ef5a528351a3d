import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MachineInfo } from './machine.js';
import { formatValue, mergeResults, type RecordedScenario, readChanges, readResults, renderMarkdown, writeResults } from './report.js';

const machine = (date: string): MachineInfo => ({
  cpu: 'Test CPU',
  cores: 2,
  memoryGb: 3.8,
  os: 'Linux 6 x64',
  node: 'v20.0.0',
  versions: { aedes: '1.2.0', mosquitto: '2.0.11', ffmpeg: '4.4', sqlite: '3.50.0' },
  date,
  commit: 'abc1234',
});

const scenario = (name: string, overrides: Partial<RecordedScenario> = {}): RecordedScenario => ({
  name,
  params: { agents: 5 },
  figures: [
    { label: 'p95 latency', value: 42.123456, unit: 'ms', target: '≤ 100 ms', met: true },
    { label: 'rate | total', value: 12345.6, unit: 'msg/s', target: '≥ 20,000', met: false },
    { label: 'no target', value: null, unit: 'MB' },
  ],
  notes: ['first note', 'second note'],
  status: 'ok',
  tiny: false,
  measuredAt: '2026-11-28T01:00:00.000Z',
  commit: 'abc1234',
  durationS: 12.3,
  ...overrides,
});

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe('bench results files', () => {
  it('renders one table row per figure with the value, target and a met mark, then notes per scenario', () => {
    const md = renderMarkdown(mergeResults(null, machine('2026-11-28T01:00:00.000Z'), [scenario('api')]));
    expect(md).toContain('| scenario | figure | value | target | met |');
    expect(md).toContain('| api | p95 latency | 42.123 ms | ≤ 100 ms | ✅ |');
    // A pipe inside a label must not open a new column.
    expect(md).toContain('| api | rate \\| total | 12,346 msg/s | ≥ 20,000 | ❌ |');
    expect(md).toContain('| api | no target | n/a | | |');
    expect(md).toContain('### api');
    expect(md).toContain('- first note\n- second note');
    expect(md).toContain('Test CPU, 2 cores, 3.8 GB');
    expect(md).toContain('agents=5');
  });

  it('shows failed and skipped scenarios with their reason instead of figures', () => {
    const md = renderMarkdown(
      mergeResults(null, machine('d'), [
        scenario('broker-vs-mosquitto', { status: 'skipped', figures: [], error: 'mosquitto is not installed: apt-get install mosquitto' }),
        scenario('api', { status: 'failed', figures: [], error: 'boom' }),
      ]),
    );
    expect(md).toContain('| broker-vs-mosquitto | skipped | mosquitto is not installed: apt-get install mosquitto | | |');
    expect(md).toContain('| api | failed | boom | | ❌ |');
    expect(md).toContain('Skipped: mosquitto is not installed');
    expect(md).toContain('Failed: boom');
  });

  it('merges a partial run into the earlier files, keeping the other scenarios with their own date and machine', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'loa-bench-report-'));
    writeResults(dir, mergeResults(null, machine('2026-11-01T00:00:00.000Z'), [scenario('api', { measuredAt: '2026-11-01T00:00:00.000Z' }), scenario('transcode')]));
    const fresh = scenario('api', { measuredAt: '2026-11-28T02:00:00.000Z', figures: [{ label: 'p95 latency', value: 7, unit: 'ms' }] });
    writeResults(dir, mergeResults(readResults(dir), machine('2026-11-28T02:00:00.000Z'), [fresh]));
    const json = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'));
    expect(Object.keys(json.scenarios)).toEqual(['api', 'transcode']);
    expect(json.machine.date).toBe('2026-11-28T02:00:00.000Z');
    expect(json.scenarios.api.figures).toEqual([{ label: 'p95 latency', value: 7, unit: 'ms' }]);
    expect(json.scenarios.transcode.machine.date).toBe('2026-11-01T00:00:00.000Z');
    const md = readFileSync(path.join(dir, 'RESULTS.md'), 'utf8');
    expect(md).toContain('| api | p95 latency | 7 ms | | |');
    expect(md).toContain('| transcode | p95 latency | 42.123 ms');
    expect(md).toMatch(/### transcode\n\nMeasured 2026-11-28T01:00:00.000Z[^\n]*\nMachine then: Test CPU/);
  });

  it('starts afresh from a damaged results.json rather than failing the run', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'loa-bench-report-'));
    writeFileSync(path.join(dir, 'results.json'), '{ not json');
    expect(readResults(dir)).toBeNull();
  });

  it('formats values for reading', () => {
    expect(formatValue(0.5, 'ratio')).toBe('0.5 ratio');
    expect(formatValue(20000, 'agents')).toBe('20,000 agents');
    expect(formatValue(Number.NaN, 'ms')).toBe('n/a');
  });
});

describe('bench change log', () => {
  it('renders the changes with their before and after figures, and keeps them in the JSON', () => {
    const change = { date: '2026-11-28', commit: 'b8f71b0', scenario: 'emergency', cause: 'atomic rewrites', change: 'journal', before: '5.9 s', after: '4.2 s' };
    const results = mergeResults(null, machine('2026-11-28T01:00:00.000Z'), [scenario('api')], [change]);
    expect(results.changes).toEqual([change]);
    const md = renderMarkdown(results);
    expect(md).toContain('## Changes made from the figures and profiles');
    expect(md).toContain('| 2026-11-28 | b8f71b0 | emergency | atomic rewrites | journal | 5.9 s | 4.2 s |');
    expect(renderMarkdown(mergeResults(null, machine('2026-11-28T01:00:00.000Z'), [scenario('api')]))).not.toContain('## Changes');
  });

  it('reads an absent log as empty and refuses a malformed one', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'loa-bench-changes-'));
    const file = path.join(dir, 'changes.json');
    expect(readChanges(file)).toEqual([]);
    writeFileSync(file, JSON.stringify([{ date: '2026-11-28', change: 'missing fields' }]));
    expect(() => readChanges(file)).toThrow(/expected an array/);
  });
});
