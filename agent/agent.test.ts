// The agent against a real Aedes broker on a real port, with a real MQTT.js client playing the controller.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decode, encode } from '../shared/decode.js';
import type { CommandPayload, CommandResultPayload, ManifestPayload } from '../shared/payloads.js';
import { topics } from '../shared/topics.js';
import { Agent, type AgentDeps } from './agent.js';
import type { AgentConfig } from './config.js';
import type { InboundKind, InboundMeta } from './inbound.js';
import {
  CONTROLLER,
  connectController,
  json,
  on,
  removeDir,
  startTestBroker,
  type TestBroker,
  testAgentConfig,
} from './test-support.js';

const DEVICE = 'cluster-0001';
const SECRET = 'device-secret-0123456789';
const USERS = { [CONTROLLER.username]: CONTROLLER.password, [DEVICE]: SECRET };
const STATE = topics.state(DEVICE);
/** Reconnects fast enough for a test, still jittered. */
const FAST = { backoff: { baseMs: 50, capMs: 400 } };
/** Stays away after losing the link, so what the broker did meanwhile can be inspected. */
const AWAY = { backoff: { baseMs: 60_000, capMs: 60_000, minMs: 60_000 } };

let broker: TestBroker;
const cleanups: (() => unknown)[] = [];

beforeEach(async () => {
  broker = await startTestBroker(USERS);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await broker.close();
});

function makeAgent(overrides: Partial<AgentConfig> = {}, deps: AgentDeps = {}): Agent {
  const config = testAgentConfig(broker.url, { deviceId: DEVICE, secret: SECRET, ...overrides });
  const agent = new Agent(config, { version: '9.9.9-test', link: FAST, ...deps });
  cleanups.push(async () => {
    await agent.stop();
    removeDir(config.dataDir);
  });
  return agent;
}

async function controller(filters: string[] = []) {
  const observer = await connectController(broker.url, filters);
  cleanups.push(() => observer.close());
  return observer;
}

function nextMessage<K extends InboundKind>(agent: Agent, kind: K) {
  return new Promise<{ payload: unknown; meta: InboundMeta }>((resolve) => {
    const off = agent.link.handle(kind, (payload, meta) => {
      off();
      resolve({ payload, meta });
    });
  });
}

const command = (id: string): CommandPayload => ({
  v: 1,
  ts: Date.now(),
  id,
  op: 'volume',
  params: { level: 50 },
  expiresAt: Date.now() + 60_000,
});

describe('Agent over MQTT', () => {
  it('comes online with a persistent session and a retained online state', async () => {
    const agent = makeAgent();
    await agent.start();
    const online = await broker.published.next(on(STATE, { online: true }));
    const decoded = decode('state', online.payload);
    expect(decoded).toMatchObject({ ok: true, value: { online: true, agentVersion: '9.9.9-test', manifestVersion: null } });
    expect(online.retain).toBe(true);
    expect(broker.clients.get(DEVICE)?.clean).toBe(false);

    // A controller that connects later still learns the state: it is retained.
    const late = await controller([STATE]);
    const seen = await late.next(on(STATE));
    expect(seen.retain).toBe(true);
    expect(json(seen)).toMatchObject({ online: true });
    expect(agent.link.connected).toBe(true);
  });

  it('sends schema-valid heartbeats at the configured interval', async () => {
    const agent = makeAgent({ heartbeatIntervalS: 1 }, { random: () => 0.5 });
    const ctl = await controller([topics.telemetry(DEVICE)]);
    await agent.start();
    const first = await ctl.next(on(topics.telemetry(DEVICE)));
    const second = await ctl.waitNew(on(topics.telemetry(DEVICE)));
    const beats = [first, second].map((m) => decode('telemetry', m.payload));
    for (const beat of beats) expect(beat.ok).toBe(true);
    const [a, b] = beats.map((beat) => (beat.ok ? beat.value : undefined));
    expect(a).toMatchObject({ agentVersion: '9.9.9-test', volume: 70, power: 'off', playing: null, cacheBytes: 0 });
    expect(a!.diskFreeBytes).toBeGreaterThan(0);
    expect(b!.ts - a!.ts).toBeGreaterThanOrEqual(900);
    expect(b!.ts - a!.ts).toBeLessThan(5_000);
    expect(second.retain).toBe(false);
  });

  it('starts without a broker and connects when one appears', async () => {
    const { port } = broker;
    await broker.close();
    const agent = makeAgent();
    await agent.start(); // resolves offline: the cluster must work without the network
    expect(agent.link.connected).toBe(false);
    await vi.waitFor(() => expect(agent.link.stats.attempt).toBeGreaterThan(0));
    broker = await startTestBroker(USERS, port);
    await broker.published.next(on(STATE, { online: true }));
    expect(agent.link.stats.connects).toBe(1);
  });

  it('leaves a retained Last Will "lost" when its connection dies', async () => {
    const agent = makeAgent({}, { link: AWAY });
    await agent.start();
    await broker.published.next(on(STATE, { online: true }));
    const will = broker.published.waitNew(on(STATE, { online: false }));
    broker.clients.get(DEVICE)!.conn.destroy();
    expect(decode('state', (await will).payload)).toMatchObject({ ok: true, value: { online: false, reason: 'lost' } });

    const late = await controller([STATE]);
    expect(json(await late.next(on(STATE)))).toMatchObject({ online: false, reason: 'lost' });
    await vi.waitFor(() => expect(agent.link.connected).toBe(false));
    expect(agent.link.stats).toMatchObject({ disconnects: 1, lastBackoffMs: 60_000 });
  });

  it('reconnects by itself to a broker restarted on the same port, and delivers what it queued', async () => {
    const agent = makeAgent();
    await agent.start();
    await broker.published.next(on(STATE, { online: true }));
    const { port } = broker;
    await broker.close();
    await vi.waitFor(() => expect(agent.link.connected).toBe(false));

    const result = agent.link.publish('cmd/result', { v: 1, ts: Date.now(), id: 'cmd-while-offline', status: 'ok' });
    broker = await startTestBroker(USERS, port);
    await broker.published.next(on(STATE, { online: true }));
    await expect(result).resolves.toBe(true);
    expect(broker.published.messages.some(on(topics.cmdResult(DEVICE), { id: 'cmd-while-offline' }))).toBe(true);

    // The new broker knew nothing of us: the agent subscribed again before saying it is online.
    const received = nextMessage(agent, 'cmd');
    const ctl = await controller();
    await ctl.client.publishAsync(topics.cmd(DEVICE), encode('cmd', command('after-restart')), { qos: 1 });
    expect((await received).payload).toMatchObject({ id: 'after-restart' });
    expect(agent.link.stats.connects).toBe(2);
  });

  it('says "shutdown" on stop, and the Last Will does not replace it', async () => {
    const agent = makeAgent();
    await agent.start();
    await broker.published.next(on(STATE, { online: true }));
    await Promise.all([agent.stop(), agent.stop()]);
    const bye = await broker.published.next(on(STATE, { online: false }));
    expect(decode('state', bye.payload)).toMatchObject({ ok: true, value: { online: false, reason: 'shutdown' } });
    expect(bye.retain).toBe(true);
    await vi.waitFor(() => expect(broker.clients.has(DEVICE)).toBe(false));

    const late = await controller([STATE]);
    expect(json(await late.next(on(STATE)))).toMatchObject({ online: false, reason: 'shutdown' });
    expect(broker.published.messages.filter(on(STATE, { reason: 'lost' }))).toHaveLength(0);
    await agent.stop();
  });

  it('settles messages still queued for the broker when it stops while offline', async () => {
    const agent = makeAgent({}, { link: AWAY });
    await agent.start();
    await broker.published.next(on(STATE, { online: true }));
    broker.clients.get(DEVICE)!.conn.destroy();
    await vi.waitFor(() => expect(agent.link.connected).toBe(false));
    const pending = agent.link.publish('cmd/result', { v: 1, ts: Date.now(), id: 'never-sent', status: 'ok' });
    await agent.stop();
    await expect(pending).rejects.toThrow();
    await expect(agent.link.publish('cmd/result', { v: 1, ts: Date.now(), id: 'after-stop', status: 'ok' })).resolves.toBe(false);
  });

  it('refuses to publish a payload that breaks the contract', async () => {
    const agent = makeAgent();
    await agent.start();
    await broker.published.next(on(STATE, { online: true }));
    const bad = { v: 1, ts: Date.now(), id: 'x', status: 'maybe' } as unknown as CommandResultPayload;
    await expect(agent.link.publish('cmd/result', bad)).rejects.toThrow(/cmd\/result payload breaks the contract/);
    const nan = { v: 1, ts: Number.NaN, id: 'x', status: 'ok' } as CommandResultPayload;
    await expect(agent.link.publish('cmd/result', nan)).rejects.toThrow(/breaks the contract/);
  });

  it('counts and drops malformed commands without crashing, then handles a valid one', async () => {
    const agent = makeAgent();
    const handled = vi.fn();
    agent.link.handle('cmd', handled);
    const received = nextMessage(agent, 'cmd');
    await agent.start();
    await broker.published.next(on(STATE, { online: true }));
    const ctl = await controller();
    const topic = topics.cmd(DEVICE);
    await ctl.client.publishAsync(topic, 'not json at all', { qos: 1 });
    await ctl.client.publishAsync(topic, JSON.stringify({ ...command('v2'), v: 2 }), { qos: 1 });
    await ctl.client.publishAsync(topic, JSON.stringify({ ...command('no-params'), params: undefined }), { qos: 1 });
    await ctl.client.publishAsync(topic, encode('cmd', command('good')), { qos: 1 });

    expect((await received).payload).toMatchObject({ id: 'good', op: 'volume' });
    expect(handled).toHaveBeenCalledTimes(1);
    expect(agent.link.stats).toMatchObject({
      received: 4,
      dropped: { not_json: 1, unsupported_version: 1, invalid: 1 },
    });
    expect(agent.link.connected).toBe(true);
  });

  it('keeps running when a handler throws or rejects', async () => {
    const agent = makeAgent();
    agent.link.handle('cmd', () => {
      throw new Error('handler bug');
    });
    agent.link.handle('cmd', async () => {
      throw new Error('async handler bug');
    });
    const received = nextMessage(agent, 'cmd');
    await agent.start();
    await broker.published.next(on(STATE, { online: true }));
    const ctl = await controller();
    await ctl.client.publishAsync(topics.cmd(DEVICE), encode('cmd', command('c1')), { qos: 1 });
    await received;
    await vi.waitFor(() => expect(agent.link.stats.handlerErrors).toBe(2));
    expect(agent.link.connected).toBe(true);
  });

  it('routes area commands, the retained manifest and events/ack to their handlers', async () => {
    const ctl = await controller();
    const manifest: ManifestPayload = {
      v: 1,
      ts: Date.now(),
      deviceId: DEVICE,
      version: 3,
      horizonEnd: Date.now() + 86_400_000,
      timezone: 'Asia/Ho_Chi_Minh',
      items: [],
      config: { heartbeatIntervalS: 30, defaultVolume: 70, powerLeadS: 5, cacheMaxBytes: 1_000_000_000 },
    };
    await ctl.client.publishAsync(topics.manifest(DEVICE), encode('manifest', manifest), { qos: 1, retain: true });

    const agent = makeAgent();
    const gotManifest = nextMessage(agent, 'manifest');
    await agent.start();
    expect(await gotManifest).toMatchObject({ payload: { version: 3 }, meta: { scope: 'device', retained: true } });
    await broker.published.next(on(STATE, { online: true }));

    const gotArea = nextMessage(agent, 'cmd');
    await ctl.client.publishAsync(topics.areaCmd('058'), encode('cmd', command('district-alert')), { qos: 1 });
    expect(await gotArea).toMatchObject({ payload: { id: 'district-alert' }, meta: { scope: 'area', areaCode: '058' } });

    const gotAck = nextMessage(agent, 'events/ack');
    await ctl.client.publishAsync(topics.eventsAck(DEVICE), encode('events/ack', { v: 1, ts: Date.now(), seq: 41 }), { qos: 1 });
    expect((await gotAck).payload).toMatchObject({ seq: 41 });
  });

  it('republishes its retained state when the manifest version changes', async () => {
    const agent = makeAgent();
    await agent.start();
    await broker.published.next(on(STATE, { online: true }));
    agent.state.setManifestVersion(7);
    expect(json(await broker.published.next(on(STATE, { manifestVersion: 7 })))).toMatchObject({ online: true });
  });

  it('works over WebSocket (ws://) too, reconnecting after a broker restart', async () => {
    await broker.close();
    broker = await startTestBroker(USERS, 0, 'ws');
    const agent = makeAgent();
    await agent.start();
    await broker.published.next(on(STATE, { online: true }));
    const { port } = broker;
    await broker.close();
    broker = await startTestBroker(USERS, port, 'ws');
    await broker.published.next(on(STATE, { online: true }));
    expect(agent.link.stats.connects).toBe(2);
  });

  it('logs a refused connection and retries slowly', async () => {
    const agent = makeAgent({ secret: 'wrong-secret-0123456789' }, { random: () => 0, link: {} });
    await agent.start();
    await vi.waitFor(() => expect(agent.link.stats.refused).toBe(1));
    await vi.waitFor(() => expect(agent.link.stats.lastBackoffMs).toBe(30_000));
    expect(agent.link.connected).toBe(false);
  });
});
