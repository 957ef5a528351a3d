// Administration commands that work on the database directly, on the server itself:
// migrate, seed, device add/list/rotate-secret, user add. Each change is audited as done from
// the command line by the operating-system user who ran it.
import { chmod, open } from 'node:fs/promises';
import os from 'node:os';
import { AuditService } from '../controller/audit/audit.service.js';
import { UserService } from '../controller/accounts/users.service.js';
import { type LoaDatabase, openDatabase, runMigrations } from '../controller/db/client.js';
import { DeviceCredentials } from '../controller/devices/credentials.js';
import { DeviceService } from '../controller/devices/devices.service.js';
import type { Role } from '../controller/db/schema/accounts.js';
import { AdminUnitIndex } from '../controller/registry/admin-units.js';
import { randomSecret } from '../controller/security/secret-hash.js';
import { silentLogger } from '../platform/logger.js';
import { seedRegistry } from '../seeds/seed.js';
import { configFromEnvironment } from './runtime.js';

function openAdmin() {
  const config = configFromEnvironment();
  const database = openDatabase(config.paths.database);
  runMigrations(database);
  const units = new AdminUnitIndex(database);
  units.reload();
  const audit = new AuditService(database, silentLogger);
  const actor = { type: 'system' as const, id: 'cli', name: `cli:${os.userInfo().username}` };
  return { config, database, units, audit, actor };
}

function withDatabase<T>(fn: (admin: ReturnType<typeof openAdmin>) => Promise<T>): Promise<T> {
  const admin = openAdmin();
  return fn(admin).finally(() => admin.database.close());
}

function ensureSeeded(database: LoaDatabase, units: AdminUnitIndex): void {
  if (units.all().length === 0) {
    seedRegistry(database);
    units.reload();
  }
}

export async function migrateCommand(): Promise<void> {
  const config = configFromEnvironment();
  const database = openDatabase(config.paths.database);
  runMigrations(database);
  database.close();
  console.log(`migrations applied to ${config.paths.database}`);
}

export async function seedCommand(): Promise<void> {
  await withDatabase(async ({ database }) => {
    const report = seedRegistry(database);
    console.log(`seeded: ${report.units} administrative units, ${report.stationsInserted} new stations (existing stations left as they are)`);
  });
}

export async function deviceAdd(options: { commune: string; name?: string; lat?: string; lon?: string; json?: boolean }): Promise<void> {
  await withDatabase(async ({ config, database, units, audit, actor }) => {
    ensureSeeded(database, units);
    const devices = new DeviceService(database, units, new DeviceCredentials(database, units), config);
    const result = await devices.provision({
      communeCode: options.commune,
      name: options.name,
      lat: options.lat === undefined ? null : Number(options.lat),
      lon: options.lon === undefined ? null : Number(options.lon),
    });
    audit.record({ actor, action: 'device.provision', target: { type: 'device', id: result.device.id, areaCode: result.device.communeCode }, outcome: 'ok', detail: { name: result.device.name } });
    if (options.json) {
      console.log(JSON.stringify({ deviceId: result.device.id, secret: result.secret, agentConfig: result.agentConfig }, null, 2));
      return;
    }
    console.log(
      [
        `cluster provisioned: ${result.device.id} — ${result.device.name}, ${result.device.stationName}`,
        `secret (shown only now): ${result.secret}`,
        'run the agent with this config:',
        JSON.stringify(result.agentConfig, null, 2),
      ].join('\n'),
    );
  });
}

/**
 * `loa device add-bulk`: many clusters at once. Each committed batch is written to the output
 * file (JSON lines, mode 0600) before the next one starts, so an interrupted run still hands
 * out the secrets of every cluster it created. Secrets are never stored in clear anywhere else.
 */
export async function deviceAddBulk(options: { commune?: string; count: string; out: string; batch?: string }): Promise<void> {
  await withDatabase(async ({ config, database, units, audit, actor }) => {
    ensureSeeded(database, units);
    const devices = new DeviceService(database, units, new DeviceCredentials(database, units), config);
    const communeCodes = options.commune
      ? options.commune.split(',').map((c) => c.trim()).filter(Boolean)
      : units.all().filter((u) => u.level === 'commune').map((u) => u.code).filter((code) => {
          try {
            devices.stationOfCommune(code);
            return true;
          } catch {
            return false;
          }
        });
    for (const code of communeCodes) devices.stationOfCommune(code); // refuse a typo before creating the file
    const file = await open(options.out, 'w', 0o600);
    let written = 0;
    const started = Date.now();
    try {
      await chmod(options.out, 0o600); // `w` keeps the mode of a file that already existed
      await devices.provisionMany({
        communeCodes,
        count: Number(options.count),
        ...(options.batch ? { batchSize: Number(options.batch) } : {}),
        onBatch: async (batch) => {
          database.sqlite.transaction(() => {
            for (const d of batch) {
              audit.record({ actor, action: 'device.provision', target: { type: 'device', id: d.deviceId, areaCode: d.communeCode }, outcome: 'ok', detail: { name: d.name, bulk: true } });
            }
          })();
          await file.write(batch.map((d) => `${JSON.stringify({ deviceId: d.deviceId, secret: d.secret, agentConfig: d.agentConfig })}\n`).join(''));
          written += batch.length;
          if (process.stderr.isTTY) process.stderr.write(`\rprovisioned ${written}/${options.count}`);
        },
      });
    } finally {
      await file.close();
      if (process.stderr.isTTY) process.stderr.write('\n');
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`${written} clusters provisioned over ${communeCodes.length} commune(s) in ${seconds.toFixed(1)} s; ids, secrets and agent configs (JSON lines, shown only there) in ${options.out}`);
  });
}

export async function deviceList(options: { commune?: string; json?: boolean }): Promise<void> {
  await withDatabase(async ({ config, database, units }) => {
    const devices = new DeviceService(database, units, new DeviceCredentials(database, units), config);
    const province = units.all().find((u) => u.level === 'province');
    if (!province) return void console.log('no devices (the registry is empty: run `loa seed`)');
    const { items } = devices.repo.list({ scopeCode: province.code, areaCode: options.commune, limit: 100_000, offset: 0 });
    if (options.json) return void console.log(JSON.stringify(items, null, 2));
    if (items.length === 0) return void console.log('no devices');
    for (const d of items) {
      const seen = d.lastSeenAt ? new Date(d.lastSeenAt).toISOString() : 'never';
      console.log(`${d.id}\t${d.online ? 'online ' : 'offline'}\t${d.communeCode} ${d.communeName}\t${d.name}\tlast seen ${seen}${d.disabled ? '\tDISABLED' : ''}`);
    }
  });
}

export async function deviceRotateSecret(id: string, options: { json?: boolean }): Promise<void> {
  await withDatabase(async ({ config, database, units, audit, actor }) => {
    const devices = new DeviceService(database, units, new DeviceCredentials(database, units), config);
    const communeCode = devices.repo.communeOf(id);
    const result = await devices.rotateSecret(id);
    audit.record({ actor, action: 'device.rotate_secret', target: { type: 'device', id, areaCode: communeCode ?? null }, outcome: 'ok' });
    if (options.json) return void console.log(JSON.stringify({ deviceId: id, secret: result.secret, agentConfig: result.agentConfig }, null, 2));
    console.log(`new secret for ${id} (shown only now; the old one no longer works): ${result.secret}`);
  });
}

export async function userAdd(options: { username: string; role: Role; scope: string; displayName?: string }): Promise<void> {
  await withDatabase(async ({ database, units, audit, actor }) => {
    ensureSeeded(database, units);
    const users = new UserService(database, units);
    const password = process.env.LOA_NEW_USER_PASSWORD ?? randomSecret(15);
    const user = await users.create({ username: options.username, displayName: options.displayName ?? options.username, password, role: options.role, scopeCode: options.scope }, 'en');
    audit.record({ actor, action: 'user.create', target: { type: 'user', id: user.id, areaCode: user.scopeCode }, outcome: 'ok', detail: { username: user.username, role: user.role, scopeCode: user.scopeCode } });
    console.log(`account created: ${user.username} (${user.role}, ${units.label(user.scopeCode)})`);
    if (!process.env.LOA_NEW_USER_PASSWORD) console.log(`password (shown only now): ${password}`);
  });
}
