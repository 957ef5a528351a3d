// `loa device add-bulk` as a person runs it: a real process, a real data folder; the secrets file
// must be private, complete and usable, and the database must hold only hashes.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceCredentials } from '../../controller/devices/credentials.js';
import { openDatabase } from '../../controller/db/client.js';
import { AdminUnitIndex } from '../../controller/registry/admin-units.js';
import { PACKAGE_ROOT } from '../../platform/paths.js';

const run = promisify(execFile);
let dataDir: string;

async function loa(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, LOA_DATA_DIR: dataDir, LOA_LOG_LEVEL: 'silent' },
      timeout: 90_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'loa-cli-bulk-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('loa device add-bulk', { timeout: 120_000 }, () => {
  it('provisions clusters spread over the communes, writes their secrets once to a private file and audits each one', async () => {
    const out = path.join(dataDir, 'fleet.jsonl');
    const res = await loa(['device', 'add-bulk', '--commune', '01858,01861', '--count', '7', '--batch', '3', '--out', out]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('7 clusters provisioned over 2 commune(s)');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(7);
    expect(new Set(lines.map((l) => l.deviceId)).size).toBe(7);
    expect(lines.filter((l) => l.agentConfig.areaCodes[0] === '01858')).toHaveLength(4);
    expect(lines.filter((l) => l.agentConfig.areaCodes[0] === '01861')).toHaveLength(3);
    for (const l of lines) expect(l.agentConfig).toMatchObject({ deviceId: l.deviceId, secret: l.secret });

    const sqlite = new Database(path.join(dataDir, 'loa.sqlite'), { readonly: true });
    try {
      const rows = sqlite.prepare('SELECT id, name, secret_hash FROM devices').all() as { id: string; name: string; secret_hash: string }[];
      expect(rows.map((r) => r.id).sort()).toEqual(lines.map((l) => l.deviceId).sort());
      for (const r of rows) expect(r.secret_hash).toMatch(/^sha256\$[0-9a-f]{64}$/);
      expect(JSON.stringify(rows)).not.toContain(lines[0].secret);
      const audited = sqlite.prepare("SELECT target_id FROM audit_log WHERE action = 'device.provision'").all() as { target_id: string }[];
      expect(audited.map((a) => a.target_id).sort()).toEqual(lines.map((l) => l.deviceId).sort());
    } finally {
      sqlite.close();
    }

    // The secrets written out are the ones the broker accepts.
    const database = openDatabase(path.join(dataDir, 'loa.sqlite'));
    try {
      const units = new AdminUnitIndex(database);
      units.reload();
      const credentials = new DeviceCredentials(database, units);
      expect(await credentials.verify(lines[6].deviceId, lines[6].secret)).toMatchObject({ kind: 'device', deviceId: lines[6].deviceId, communeCode: '01858' });
      expect(await credentials.verify(lines[6].deviceId, lines[5].secret)).toBeNull();
    } finally {
      database.close();
    }

    // Names continue after the ones already taken in the station.
    const more = await loa(['device', 'add-bulk', '--commune', '01858', '--count', '2', '--out', path.join(dataDir, 'more.jsonl')]);
    expect(more.code, more.stderr).toBe(0);
    const names = (await loa(['device', 'list', '--commune', '01858', '--json'])).stdout;
    expect(JSON.parse(names).map((d: { name: string }) => d.name).sort()).toEqual(['Cụm loa 01', 'Cụm loa 02', 'Cụm loa 03', 'Cụm loa 04', 'Cụm loa 05', 'Cụm loa 06']);
  });

  it('refuses an unknown commune before creating anything, and a count that is not a number', async () => {
    const out = path.join(dataDir, 'none.jsonl');
    const before = (await loa(['device', 'list', '--json'])).stdout;
    const unknown = await loa(['device', 'add-bulk', '--commune', '01858,99999', '--count', '3', '--out', out]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown_admin_unit');
    expect((await loa(['device', 'list', '--json'])).stdout).toBe(before);
    const bad = await loa(['device', 'add-bulk', '--count', 'many', '--out', out]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('a whole number');
  });
});
