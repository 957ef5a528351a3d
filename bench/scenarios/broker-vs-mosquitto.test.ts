// broker-vs-mosquitto in tiny mode, so its code cannot rot: both brokers start, every message
// reaches the subscriber through each, and the figures have the agreed shape. Rates are never
// asserted (see npm run bench). Mosquitto is a test dependency: .ci/run installs it.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerVsMosquittoScenario } from './broker-vs-mosquitto.js';

const workDir = mkdtempSync(path.join(os.tmpdir(), 'loa-bench-broker-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('broker-vs-mosquitto benchmark (tiny)', () => {
  it('pushes the same QoS 1 load through Loa’s broker with auth and ACL and through Mosquitto, and reports both rates', async () => {
    const log: string[] = [];
    const result = await brokerVsMosquittoScenario({ tiny: true, params: {}, workDir, log: (m) => log.push(m) });
    expect(result.name).toBe('broker-vs-mosquitto');
    expect(result.params).toMatchObject({ publishers: 2, messages: 1_000, rounds: 1 });
    const units = result.figures.map((f) => f.unit);
    expect(units.slice(0, 3)).toEqual(['msg/s', 'msg/s', 'ratio']);
    // CPU per message needs at least a clock tick of each broker's CPU; a tiny round may use less.
    if (units.length > 3) expect(units.slice(3)).toEqual(['µs', 'µs', 'ratio']);
    else expect(result.notes.join('\n')).toMatch(/CPU per message: not measured/);
    for (const f of result.figures) expect(f.value!, f.label).toBeGreaterThan(0);
    expect(result.figures[2]).toMatchObject({ target: '≥ 0.5' });
    expect(log.filter((l) => /^round 1 (loa|mosquitto): \d+ msg\/s \(1000 in [\d.]+ s, broker CPU/.test(l))).toHaveLength(2);
  }, 120_000);
});
