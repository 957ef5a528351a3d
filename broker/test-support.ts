// Shared by the broker's tests: a fake credential store, a log capture, and clients and brokers
// that are all closed after each test. Not imported by production code.
import net from 'node:net';
import { Writable } from 'node:stream';
import { Aedes } from 'aedes';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import pino, { type Logger } from 'pino';
import { type BrokerPorts, createLoaBroker, type LoaBroker, type LoaBrokerOptions } from './broker.js';
import type { Authenticate, BrokerIdentity } from './identity.js';
import { MessageBus } from './message-bus.js';
import { loaPersistence } from './persistence.js';

// Bắc Kạn: province 06; districts 058 and 059; communes 01843 (in 058) and 01900 (in 059).
export const accounts: Record<string, { password: string; identity: BrokerIdentity }> = {
  'dev-a': { password: 'secret-a-9f8e7d', identity: { kind: 'device', deviceId: 'dev-a', areaCodes: ['01843', '058', '06'] } },
  'dev-b': { password: 'secret-b-1a2b3c', identity: { kind: 'device', deviceId: 'dev-b', areaCodes: ['01900', '059', '06'] } },
  controller: { password: 'service-secret-42', identity: { kind: 'service', name: 'controller' } },
};

export const fakeAuthenticate: Authenticate = async ({ username, password }) => {
  const account = accounts[username];
  return account && account.password === password ? account.identity : null;
};

/** A pino logger at debug level whose JSON lines are kept in memory. */
export function captureLogs(): { logger: Logger; text: () => string; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger: pino({ level: 'debug' }, sink), text, lines };
}

export type ConnectError = Error & { code?: number };

/** Everything a test opens, closed in afterEach whether the test passed or not. */
export class Resources {
  private readonly clients: MqttClient[] = [];
  private readonly brokers: LoaBroker[] = [];
  private readonly closers: Array<() => Promise<unknown> | unknown> = [];

  async broker(overrides: Partial<LoaBrokerOptions> = {}) {
    const logs = captureLogs();
    const broker = createLoaBroker({
      authenticate: fakeAuthenticate,
      logger: logs.logger,
      host: '127.0.0.1',
      port: 0,
      maxPacketBytes: 1_100_000,
      drainTimeoutMs: 30_000,
      connectBurst: 1_000,
      connectRatePerS: 1_000,
      ...overrides,
    });
    this.brokers.push(broker);
    const ports: BrokerPorts = await broker.start();
    return { broker, ports, logs, url: `mqtt://127.0.0.1:${ports.mqttPort}` };
  }

  /** Connects and resolves on CONNACK 0; rejects with the refusal (its `code` = return code). */
  connect(url: string, options: IClientOptions = {}): Promise<MqttClient> {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...options });
    this.clients.push(client);
    return new Promise((resolve, reject) => {
      client.once('connect', () => resolve(client));
      client.once('error', reject);
      client.once('close', () => reject(new Error('connection closed before CONNACK')));
    });
  }

  /** Connects as one of `accounts`, with client id = user name unless given. */
  as(url: string, username: string, options: IClientOptions = {}): Promise<MqttClient> {
    return this.connect(url, { username, password: accounts[username]!.password, clientId: username, ...options });
  }

  onCleanup(closer: () => Promise<unknown> | unknown): void {
    this.closers.push(closer);
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
    await Promise.all(this.brokers.splice(0).map((b) => b.stop()));
    for (const close of this.closers.splice(0).reverse()) await close();
  }
}

/** The next message on `client` (topic, payload text, retain flag). */
export function nextMessage(client: MqttClient): Promise<{ topic: string; payload: string; retain: boolean }> {
  return new Promise((resolve) => {
    client.once('message', (topic, payload, packet) => resolve({ topic, payload: payload.toString(), retain: packet.retain }));
  });
}

/** Resolves when `client`'s connection closes. */
export function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => (client.connected ? client.once('close', () => resolve()) : resolve()));
}

/**
 * Subscribes and returns the granted QoS per filter from the SUBACK, whether or not MQTT.js
 * reports a refusal (0x80) as an error.
 */
export async function grantedQos(client: MqttClient, filters: string | string[]): Promise<number[]> {
  try {
    return (await client.subscribeAsync(filters, { qos: 1 })).map((g) => g.qos);
  } catch (err) {
    const granted = (err as { packet?: { granted?: number[] } }).packet?.granted;
    if (!granted) throw err;
    return granted;
  }
}

/**
 * A bare Aedes on Loa's store (broker/persistence.ts) and message bus, without authentication or ACL, on a free
 * port: for testing the store under real MQTT clients. Its closing is pushed onto `closers`.
 */
export async function bareStoreBroker(closers: Array<() => Promise<void>>): Promise<number> {
  const aedes = await Aedes.createBroker({ persistence: loaPersistence() as never, mq: new MessageBus() });
  const server = net.createServer((socket) => aedes.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as net.AddressInfo).port;
}
