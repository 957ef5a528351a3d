// `loa simulate` as a person runs it against a running Loa: it connects every agent from the
// credentials file, prints its summary, and on Ctrl-C (SIGINT) stops them cleanly — each says
// `shutdown`, so the controller records them offline — and exits 0.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { startTestSystem, type TestSystem } from '../system.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem({ LOA_MQTT_CONNECT_BURST: '1000', LOA_MQTT_CONNECT_RATE: '1000' });
});
afterAll(async () => sys?.close());

const online = () => sys.ctx.database.sqlite.prepare('SELECT count(*) AS n FROM devices WHERE online = 1').get() as { n: number };

describe('loa simulate', () => {
  it('runs every agent in the credentials file and stops them cleanly on SIGINT', async () => {
    const made = await sys.ctx.devices.provisionMany({ communeCodes: ['01858', '01861'], count: 3 });
    const file = path.join(sys.dataDir, 'fleet.jsonl');
    writeFileSync(file, made.map((d) => JSON.stringify({ deviceId: d.deviceId, secret: d.secret, agentConfig: d.agentConfig })).join('\n'), { mode: 0o600 });
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'cli/main.ts', 'simulate', '--credentials', file, '--broker', sys.mqttUrl, '--processes', '2', '--heartbeat-s', '1', '--jitter', '--source-addresses', '127.0.0.2-127.0.0.3', '--summary-s', '1'],
      { cwd: PACKAGE_ROOT, env: { ...process.env, LOA_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await expect.poll(() => stdout, { timeout: 60_000, interval: 200 }).toMatch(/connected 3\/3 \(started 3\), heartbeats [1-9]/);
      expect(online().n).toBe(3);
      // The heartbeats are real telemetry: the controller stores a row per beat.
      await expect.poll(() => (sys.ctx.database.sqlite.prepare('SELECT count(DISTINCT device_id) AS n FROM heartbeats').get() as { n: number }).n, { timeout: 10_000 }).toBe(3);
      child.kill('SIGINT');
      expect(await exited, stderr).toBe(0);
      expect(stdout).toContain('fleet stopped');
      await expect.poll(() => online().n, { timeout: 10_000 }).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
