// Test helpers: a real Aedes broker on a real TCP port with a tiny username/password check (the
// project's broker with its ACL lives in broker/; the agent must work with any standard broker),
// and real MQTT.js clients playing the controller. Used only by agent/*.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { TOPIC_ROOT } from '../shared/topics.js';
import type { AgentConfig } from './config.js';

export const CONTROLLER = { username: 'controller', password: 'controller-secret-0123' };

export interface TestBroker {
  port: number;
  url: string;
  aedes: Aedes;
  /** Connected broker-side clients by client id. */
  clients: Map<string, Client>;
  /** Every publish the broker handled under the contract's root (wills included), in order. */
  published: MessageLog;
  close(): Promise<void>;
}

/** Starts Aedes on `port` (0 = any free port), over TCP or WebSocket. `users` maps username → password. */
export async function startTestBroker(
  users: Record<string, string>,
  port = 0,
  transport: 'tcp' | 'ws' = 'tcp',
): Promise<TestBroker> {
  const aedes = await Aedes.createBroker({
    authenticate(_client, username, password, done) {
      const ok = username !== undefined && users[username] !== undefined && password?.toString() === users[username];
      if (ok) return done(null, true);
      const err = Object.assign(new Error('bad username or password'), { returnCode: 4 }) as AuthenticateError;
      done(err, false);
    },
  });
  const clients = new Map<string, Client>();
  aedes.on('client', (c) => clients.set(c.id, c));
  aedes.on('clientDisconnect', (c) => {
    if (clients.get(c.id) === c) clients.delete(c.id);
  });
  // Recorded from before the port opens, so nothing a client publishes can be missed.
  const published = new MessageLog();
  aedes.on('publish', (packet) => {
    if (packet.topic.startsWith(`${TOPIC_ROOT}/`)) {
      published.add({ topic: packet.topic, payload: Buffer.from(packet.payload), retain: packet.retain });
    }
  });
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = transport === 'tcp' ? net.createServer((socket) => aedes.handle(socket)) : http.createServer();
  server.on('connection', track);
  if (transport === 'ws') {
    const wss = new WebSocketServer({ server: server as http.Server });
    wss.on('connection', (ws, req) => aedes.handle(createWebSocketStream(ws), req));
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as net.AddressInfo).port;
  return {
    port: bound,
    url: transport === 'tcp' ? `mqtt://127.0.0.1:${bound}` : `ws://127.0.0.1:${bound}/mqtt`,
    aedes,
    clients,
    published,
    async close() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A controller-side MQTT client subscribed to `filters`, collecting every message. */
export async function connectController(url: string, filters: string[]): Promise<Observer> {
  const client = await mqtt.connectAsync(url, {
    ...CONTROLLER,
    clientId: `controller-${Math.random().toString(16).slice(2)}`,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  const observer = new Observer(client);
  if (filters.length > 0) await client.subscribeAsync(filters, { qos: 1 });
  return observer;
}

export interface Received {
  topic: string;
  payload: Buffer;
  retain: boolean;
}

/** Messages seen so far, and promises for the ones still to come. */
export class MessageLog {
  readonly messages: Received[] = [];
  private waiters: { match: (m: Received) => boolean; resolve: (m: Received) => void }[] = [];

  add(m: Received): void {
    this.messages.push(m);
    for (const waiter of [...this.waiters]) {
      if (!waiter.match(m)) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(m);
    }
  }

  /** Resolves with the first message (already received or arriving) that matches. */
  next(match: (m: Received) => boolean, timeoutMs = 10_000): Promise<Received> {
    const seen = this.messages.find(match);
    return seen ? Promise.resolve(seen) : this.waitNew(match, timeoutMs);
  }

  /** Like next(), but only for messages arriving from now on. */
  waitNew(match: (m: Received) => boolean, timeoutMs = 10_000): Promise<Received> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }
}

export const json = (m: Received): Record<string, unknown> => JSON.parse(m.payload.toString()) as Record<string, unknown>;

/** Matches messages on `topic` whose JSON payload contains `fields`. */
export const on =
  (topic: string, fields: Record<string, unknown> = {}) =>
  (m: Received): boolean =>
    m.topic === topic && Object.entries(fields).every(([k, v]) => json(m)[k] === v);

export class Observer extends MessageLog {
  constructor(readonly client: MqttClient) {
    super();
    client.on('message', (topic, payload, packet) => this.add({ topic, payload, retain: packet.retain }));
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}

/** A valid agent config pointing at `brokerUrl`, with a throw-away dataDir. */
export function testAgentConfig(brokerUrl: string, overrides: Partial<AgentConfig> = {}): AgentConfig {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'loa-agent-test-'));
  return {
    deviceId: 'cluster-0001',
    secret: 'device-secret-0123456789',
    brokerUrl,
    controllerUrl: 'http://127.0.0.1:8080',
    areaCodes: ['01834', '058', '06'],
    dataDir,
    heartbeatIntervalS: 30,
    player: 'null',
    power: { driver: 'none' },
    ...overrides,
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
