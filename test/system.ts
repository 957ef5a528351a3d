// A whole Loa on loopback for tests: a fresh data folder with a real SQLite file and the real
// migrations, the in-process broker and the controller on free ports (port 0), and helpers to
// sign in and to provision devices. Every test closes what it opened with `close()`.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLoaBroker, type LoaBroker } from '../broker/broker.js';
import { inProcessAuthenticate } from '../cli/serve.js';
import { type PreparedController, prepareController } from '../controller/controller.js';
import type { Role } from '../controller/db/schema/accounts.js';
import { loadConfig } from '../platform/config.js';
import { silentLogger } from '../platform/logger.js';

export const ADMIN_PASSWORD = 'Tinh-BacKan-2026!';

export interface TestSystem {
  controller: PreparedController;
  broker: LoaBroker;
  httpUrl: string;
  mqttUrl: string;
  mqttPort: number;
  dataDir: string;
  ctx: PreparedController['ctx'];
  /** fetch against the controller with an optional session cookie; JSON bodies are serialised. */
  http(method: string, url: string, options?: { cookie?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  login(username: string, password: string, lang?: string): Promise<string>;
  adminCookie(): Promise<string>;
  createUser(role: Role, scopeCode: string, username?: string): Promise<{ username: string; password: string; cookie: string; id: number }>;
  provision(communeCode: string, name?: string): Promise<{ deviceId: string; secret: string; agentConfig: Record<string, unknown> }>;
  restartBroker(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestSystem(env: Record<string, string> = {}): Promise<TestSystem> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'loa-test-'));
  const config = loadConfig({
    LOA_DATA_DIR: dataDir,
    LOA_HTTP_HOST: '127.0.0.1',
    LOA_HTTP_PORT: '0',
    LOA_MQTT_HOST: '127.0.0.1',
    LOA_MQTT_PORT: '0',
    LOA_LOG_LEVEL: 'silent',
    LOA_ADMIN_PASSWORD: ADMIN_PASSWORD,
    ...env,
  });
  const controller = await prepareController(config, silentLogger);
  const brokerOptions = {
    authenticate: inProcessAuthenticate(controller.ctx.credentials),
    logger: silentLogger,
    host: '127.0.0.1',
    maxPacketBytes: config.mqttMaxPacketBytes,
    drainTimeoutMs: config.mqttDrainTimeoutMs,
    connectBurst: 10_000,
    connectRatePerS: 10_000,
  };
  let broker = createLoaBroker({ ...brokerOptions, port: 0 });
  const { mqttPort } = await broker.start();
  controller.ctx.broker = broker;
  const mqttUrl = `mqtt://127.0.0.1:${mqttPort}`;
  const { httpPort } = await controller.start({ mqttUrl });
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  let adminCookie: string | undefined;

  const system: TestSystem = {
    controller,
    get broker() {
      return broker;
    },
    httpUrl,
    mqttUrl,
    mqttPort,
    dataDir,
    ctx: controller.ctx,
    async http(method, url, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.cookie) headers.cookie = options.cookie;
      let body: string | undefined;
      if (options.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      }
      const res = await fetch(`${httpUrl}${url}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {}
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async login(username, password, lang) {
      const res = await fetch(`${httpUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(lang ? { 'accept-language': lang } : {}) },
        body: JSON.stringify({ username, password }),
      });
      if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${await res.text()}`);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('loa_session='));
      if (!cookie) throw new Error('no session cookie');
      return cookie.split(';')[0]!;
    },
    async adminCookie() {
      adminCookie ??= await system.login('admin', ADMIN_PASSWORD);
      return adminCookie;
    },
    async createUser(role, scopeCode, username = `${role.replace('_', '')}${scopeCode}${Math.random().toString(36).slice(2, 6)}`) {
      const password = `Mat-khau-${Math.random().toString(36).slice(2)}-X`;
      const res = await system.http('POST', '/api/v1/users', {
        cookie: await system.adminCookie(),
        body: { username, displayName: username, password, role, scopeCode },
      });
      if (res.status !== 201) throw new Error(`create user failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { username, password, id: res.body.id, cookie: await system.login(username, password) };
    },
    async provision(communeCode, name) {
      const res = await system.http('POST', '/api/v1/devices', { cookie: await system.adminCookie(), body: { communeCode, ...(name ? { name } : {}) } });
      if (res.status !== 201) throw new Error(`provision failed: ${res.status} ${JSON.stringify(res.body)}`);
      return {
        deviceId: res.body.device.id,
        secret: res.body.secret,
        agentConfig: { ...res.body.agentConfig, brokerUrl: mqttUrl, controllerUrl: httpUrl },
      };
    },
    async restartBroker() {
      await broker.stop();
      broker = createLoaBroker({ ...brokerOptions, port: mqttPort });
      await broker.start();
      controller.ctx.broker = broker;
    },
    async close() {
      await controller.stop();
      await broker.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return system;
}
