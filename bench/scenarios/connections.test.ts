// The connections benchmark in tiny mode, so its code cannot rot: Loa, bulk provisioning and the
// fleet simulator must run end to end and report figures of the agreed shape. No timing is asserted.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionsScenario } from './connections.js';

const workDir = mkdtempSync(path.join(os.tmpdir(), 'loa-bench-connections-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('connections benchmark (tiny)', () => {
  it('connects every simulated agent through the broker and reports memory per connection', async () => {
    const result = await connectionsScenario({ tiny: true, params: {}, workDir, log: () => {} });
    expect(result.name).toBe('connections');
    expect(result.params).toMatchObject({ agents: 20 });
    expect(result.figures.map((f) => f.unit)).toEqual(['agents', 'KB', 'KB', 's', 'devices/s', 'KB']);
    expect(result.figures[0]!.value).toBe(20);
    expect(result.figures[0]!.target).toBe('≥ 20000');
    expect(typeof result.figures[1]!.value).toBe('number');
    expect(result.figures[3]!.value!).toBeGreaterThan(0);
    expect(result.notes.join('\n')).toContain('127.0.0.2-127.0.0.40');
    // The Aedes-alone floor ran with its 20 agent-shaped clients, all connected.
    expect(result.figures[5]!.label).toMatch(/^floor: Aedes alone/);
    expect(typeof result.figures[5]!.value).toBe('number');
    expect(result.notes.join('\n')).toMatch(/floor: a bare Aedes with Loa’s store and message bus in its own process, 20 of 20 MQTT\.js clients .*; 0 failed\)/);
  }, 120_000);
});
