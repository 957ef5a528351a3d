// The foundation end to end: a provisioned cluster's agent comes online through the real broker,
// its heartbeats land in the database, a dead link flips it offline through its Last Will, it
// comes back by itself, survives a broker restart, and says goodbye when stopped.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { parseAgentConfig } from '../../agent/config.js';
import type { PresenceChange } from '../../controller/telemetry/presence.js';
import { startTcpProxy, type TcpProxy } from '../tcp-proxy.js';
import { startTestSystem, type TestSystem } from '../system.js';

let sys: TestSystem;
let proxy: TcpProxy;
let agent: Agent | undefined;
let agentDir: string;

const FAST = { backoff: { baseMs: 100, capMs: 500 }, stableAfterMs: 1000 };

function nextChange(deviceId: string, online: boolean): Promise<PresenceChange> {
  return new Promise((resolve) => {
    const listener = (change: PresenceChange) => {
      if (change.deviceId === deviceId && change.online === online) {
        sys.ctx.presence.off('change', listener);
        resolve(change);
      }
    };
    sys.ctx.presence.on('change', listener);
  });
}

const heartbeatCount = (deviceId: string) =>
  (sys.ctx.database.sqlite.prepare('SELECT COUNT(*) AS n FROM heartbeats WHERE device_id = ?').get(deviceId) as { n: number }).n;

beforeEach(async () => {
  sys = await startTestSystem();
  proxy = await startTcpProxy(sys.mqttPort);
  agentDir = mkdtempSync(path.join(os.tmpdir(), 'loa-agent-'));
});
afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  await proxy.close();
  await sys.close();
  rmSync(agentDir, { recursive: true, force: true });
});

describe('a provisioned cluster', () => {
  it('comes online, reports heartbeats, goes offline through its Last Will, and comes back by itself', async () => {
    const device = await sys.provision('01858', 'Cụm loa thôn Nà Mò');
    const config = parseAgentConfig({ ...device.agentConfig, brokerUrl: proxy.url, dataDir: agentDir, heartbeatIntervalS: 1, player: 'null' }, agentDir);
    agent = new Agent(config, { link: FAST });

    const online = nextChange(device.deviceId, true);
    await agent.start();
    expect((await online).reason).toBe('connected');

    await vi.waitFor(() => expect(heartbeatCount(device.deviceId)).toBeGreaterThanOrEqual(2), { timeout: 5000, interval: 100 });
    const detail = await sys.http('GET', `/api/v1/devices/${device.deviceId}`, { cookie: await sys.adminCookie() });
    expect(detail.body).toMatchObject({ online: true, agentVersion: agent.version });
    expect(detail.body.heartbeats[0]).toMatchObject({ volume: expect.any(Number), power: expect.stringMatching(/on|off/) });
    expect(detail.body.lastHeartbeat.uptimeS).toBeGreaterThanOrEqual(0);

    const offline = nextChange(device.deviceId, false);
    const back = nextChange(device.deviceId, true);
    proxy.cut();
    expect((await offline).reason).toBe('lost');
    await back;
    const history = await sys.http('GET', `/api/v1/devices/${device.deviceId}`, { cookie: await sys.adminCookie() });
    expect(history.body.onlinePeriods.length).toBeGreaterThanOrEqual(2);
    expect(history.body.uptime.last24h.ratio).toBeGreaterThan(0);
    expect(history.body.uptime.last24h.ratio).toBeLessThanOrEqual(1);
    const station = await sys.http('GET', `/api/v1/stations/${history.body.stationId}`, { cookie: await sys.adminCookie() });
    expect(station.body.uptime.last24h).toBeCloseTo(history.body.uptime.last24h.ratio, 2);
  });

  it('reconnects after a broker restart and its heartbeats keep landing', async () => {
    const device = await sys.provision('01858');
    const config = parseAgentConfig({ ...device.agentConfig, brokerUrl: proxy.url, dataDir: agentDir, heartbeatIntervalS: 1 }, agentDir);
    agent = new Agent(config, { link: FAST });
    const online = nextChange(device.deviceId, true);
    await agent.start();
    await online;

    await sys.restartBroker();
    const restartedAt = Date.now();
    await vi.waitFor(
      () => {
        const n = (sys.ctx.database.sqlite.prepare('SELECT COUNT(*) AS n FROM heartbeats WHERE device_id = ? AND received_at > ?').get(device.deviceId, restartedAt) as { n: number }).n;
        expect(n).toBeGreaterThanOrEqual(2);
      },
      { timeout: 15_000, interval: 200 },
    );
    expect(agent.link.connected).toBe(true);
    expect(sys.ctx.mqtt.connected).toBe(true);
  });

  it('says goodbye when stopped: offline with reason shutdown', async () => {
    const device = await sys.provision('01861');
    const config = parseAgentConfig({ ...device.agentConfig, brokerUrl: proxy.url, dataDir: agentDir, heartbeatIntervalS: 1 }, agentDir);
    agent = new Agent(config, { link: FAST });
    const online = nextChange(device.deviceId, true);
    await agent.start();
    await online;
    const offline = nextChange(device.deviceId, false);
    await agent.stop();
    expect((await offline).reason).toBe('shutdown');
  });

  it('is refused with a wrong secret and never comes online', async () => {
    const device = await sys.provision('01861');
    const config = parseAgentConfig({ ...device.agentConfig, secret: 'x'.repeat(43), brokerUrl: proxy.url, dataDir: agentDir }, agentDir);
    agent = new Agent(config, { link: FAST });
    await agent.start();
    await vi.waitFor(() => expect(sys.broker.stats().connectionsRefused.auth).toBeGreaterThanOrEqual(1), { timeout: 5000 });
    expect(agent.link.connected).toBe(false);
    expect(sys.ctx.presence.onlineCount()).toBe(0);
  });
});
