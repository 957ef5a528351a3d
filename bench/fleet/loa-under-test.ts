// A whole Loa in this process for the fleet benchmarks: a fresh data folder with a real SQLite
// file, the in-process broker and the controller on free ports (port 0), a signed-in province
// administrator, and bulk provisioning through the controller's own DeviceService. The
// simulator's agents run in other processes, so this process's memory is the broker's and
// the controller's.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { LoaBroker } from '../../broker/broker.js';
import { startInProcess } from '../../cli/serve.js';
import type { BulkProvisioned } from '../../controller/devices/bulk-provision.js';
import { type PreparedController, prepareController } from '../../controller/controller.js';
import { loadConfig } from '../../platform/config.js';
import { silentLogger } from '../../platform/logger.js';
import type { FleetCredential } from './credentials.js';

export interface LoaUnderTest {
  controller: PreparedController;
  ctx: PreparedController['ctx'];
  broker: LoaBroker;
  httpUrl: string;
  mqttUrl: string;
  /** JSON over HTTP with the administrator's session. */
  api(method: string, url: string, body?: unknown): Promise<{ status: number; body: { id?: string } & Record<string, unknown> }>;
  provision(count: number, communeCodes?: string[]): Promise<FleetCredential[]>;
  close(): Promise<void>;
}

export async function startLoa(dataDir: string, env: Record<string, string> = {}): Promise<LoaUnderTest> {
  mkdirSync(dataDir, { recursive: true });
  const adminPassword = `Bench-${randomBytes(12).toString('base64url')}-1`;
  const config = loadConfig({
    LOA_DATA_DIR: dataDir,
    LOA_HTTP_HOST: '127.0.0.1',
    LOA_HTTP_PORT: '0',
    LOA_MQTT_HOST: '127.0.0.1',
    LOA_MQTT_PORT: '0',
    LOA_LOG_LEVEL: 'silent',
    LOA_ADMIN_PASSWORD: adminPassword,
    ...env,
  });
  const controller = await prepareController(config, silentLogger);
  // Every simulated cluster comes from a handful of loopback addresses: no per-address limit.
  const { broker, mqttUrl, httpPort } = await startInProcess(controller, config, silentLogger, { connectBurst: 1_000_000, connectRatePerS: 1_000_000 });
  const httpUrl = `http://127.0.0.1:${httpPort}`;

  const login = await fetch(`${httpUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: adminPassword }) });
  if (login.status !== 200) throw new Error(`admin login failed: ${login.status}`);
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('loa_session='))!.split(';')[0]!;

  return {
    controller,
    ctx: controller.ctx,
    broker,
    httpUrl,
    mqttUrl,
    async api(method, url, body) {
      const res = await fetch(`${httpUrl}${url}`, { method, headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async provision(count, communeCodes) {
      const codes = communeCodes ?? controller.ctx.units.all().filter((u) => u.level === 'commune').map((u) => u.code);
      const made: BulkProvisioned[] = await controller.ctx.devices.provisionMany({ communeCodes: codes, count });
      return made.map((d) => ({ deviceId: d.deviceId, secret: d.secret, agentConfig: { ...d.agentConfig, brokerUrl: mqttUrl, controllerUrl: httpUrl } }));
    },
    async close() {
      await controller.stop();
      await broker.stop();
    },
  };
}


