// The `loa` command as a person runs it: real processes, a real data folder, exit codes and
// the lines printed. Runs the TypeScript sources through tsx so no build is needed.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../platform/paths.js';

const run = promisify(execFile);
let dataDir: string;

async function loa(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, LOA_DATA_DIR: dataDir, LOA_LOG_LEVEL: 'silent', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'loa-cli-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// Each case starts real processes through tsx: slow on a loaded two-core machine.
describe('loa', { timeout: 120_000 }, () => {
  it('provisions a cluster and prints its id, secret and agent config as JSON', async () => {
    const added = await loa(['device', 'add', '--commune', '01858', '--name', 'Cụm loa chợ', '--json']);
    expect(added.code, added.stderr).toBe(0);
    const out = JSON.parse(added.stdout);
    expect(out.deviceId).toMatch(/^dev-/);
    expect(out.secret.length).toBeGreaterThanOrEqual(32);
    expect(out.agentConfig).toMatchObject({ deviceId: out.deviceId, secret: out.secret, areaCodes: ['01858', '060', '06'], brokerUrl: 'mqtt://localhost:1883' });

    const list = await loa(['device', 'list', '--json']);
    expect(JSON.parse(list.stdout).map((d: { id: string }) => d.id)).toContain(out.deviceId);
    expect(list.stdout).not.toContain(out.secret);

    const rotated = await loa(['device', 'rotate-secret', out.deviceId, '--json']);
    expect(rotated.code).toBe(0);
    expect(JSON.parse(rotated.stdout).secret).not.toBe(out.secret);
  });

  it('refuses an unknown commune and a duplicate name with one clear line', async () => {
    const unknown = await loa(['device', 'add', '--commune', '99999']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown_admin_unit');
    await loa(['device', 'add', '--commune', '01861', '--name', 'A']);
    const dup = await loa(['device', 'add', '--commune', '01861', '--name', 'A']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('duplicate_device_name');
  });

  it('creates an account and prints its generated password once', async () => {
    const res = await loa(['user', 'add', '--username', 'huyen.pacnam', '--role', 'district_staff', '--scope', '060']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/password \(shown only now\): \S{20}/);
    const bad = await loa(['user', 'add', '--username', 'x1', '--role', 'district_staff', '--scope', '01858']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('role_scope_mismatch');
  });

  it('stops with one line naming the variable when the MQTT port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const res = await loa(['start'], { LOA_MQTT_HOST: '127.0.0.1', LOA_MQTT_PORT: String(port), LOA_HTTP_PORT: '0', LOA_ADMIN_PASSWORD: 'Mot-mat-khau-dai-2026' });
      expect(res.code).toBe(3);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      expect(res.stderr).toContain(`port ${port}`);
      expect(res.stderr).toContain('LOA_MQTT_PORT');
    } finally {
      blocker.close();
    }
  });

  it('reports every configuration problem at start', async () => {
    const res = await loa(['start'], { LOA_HTTP_PORT: 'http', LOA_TIMEZONE: 'Nowhere/Else' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('LOA_HTTP_PORT');
    expect(res.stderr).toContain('LOA_TIMEZONE');
  });

  it('runs `loa agent --config FILE` straight from bin/loa.js, and leaves other agent arguments to the CLI', async () => {
    // bin/loa.js runs the compiled code (npm test builds before the tests run).
    const bin = async (args: string[]) => {
      try {
        const { stdout, stderr } = await run(process.execPath, ['bin/loa.js', ...args], { cwd: PACKAGE_ROOT, env: { ...process.env, LOA_LOG_LEVEL: 'info' }, timeout: 60_000 });
        return { code: 0, out: stdout + stderr };
      } catch (err) {
        const e = err as { code: number; stdout: string; stderr: string };
        return { code: e.code, out: e.stdout + e.stderr };
      }
    };
    const missing = path.join(dataDir, 'no-such-agent.json');
    const direct = await bin(['agent', '--config', missing]);
    expect(direct.code, direct.out).toBe(78); // EX_CONFIG: the agent itself read (and refused) the file
    expect(direct.out).toContain('no-such-agent.json');
    const equals = await bin(['agent', `--config=${missing}`]);
    expect(equals.code, equals.out).toBe(78);
    const noValue = await bin(['agent', '--config']);
    expect(noValue.code).toBe(1);
    expect(noValue.out).toContain("option '--config <file>' argument missing");
  });

  it('has --help on every command', async () => {
    const commands = [['--help'], ['device', 'add', '--help'], ['agent', '--help'], ['user', 'add', '--help']];
    const results = await Promise.all(commands.map((args) => loa(args)));
    results.forEach((res, i) => {
      expect(res.code, commands[i]!.join(' ')).toBe(0);
      expect(res.stdout).toContain('Usage: loa');
    });
  }, 120_000);
});
