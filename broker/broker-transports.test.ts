// The same broker over WebSocket and TLS, and with a third-party client (Mosquitto's tools).
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { topics } from '../shared/topics.js';
import { accounts, closed, nextMessage, Resources } from './test-support.js';

const run = promisify(execFile);
const res = new Resources();
afterEach(() => res.closeAll());

describe('MQTT over WebSocket', () => {
  it('carries a device publish to a TCP subscriber when wsPort is set', async () => {
    const { url, ports } = await res.broker({ wsPort: 0 });
    expect(ports.wsPort).toBeGreaterThan(0);
    const controller = await res.as(url, 'controller');
    await controller.subscribeAsync(topics.telemetry('dev-a'), { qos: 1 });
    const device = await res.as(`ws://127.0.0.1:${ports.wsPort}/mqtt`, 'dev-a');
    const received = nextMessage(controller);
    await device.publishAsync(topics.telemetry('dev-a'), 'over-ws', { qos: 1 });
    expect(await received).toMatchObject({ payload: 'over-ws' });
  });

  it('applies authentication and the packet-size limit over WebSocket too', async () => {
    const { ports, broker } = await res.broker({ wsPort: 0, maxPacketBytes: 1024 });
    const wsUrl = `ws://127.0.0.1:${ports.wsPort}/mqtt`;
    const anonymous = await res.connect(wsUrl, { clientId: 'dev-a' }).catch((e) => e);
    expect(anonymous.code).toBe(4);
    const device = await res.as(wsUrl, 'dev-a');
    const gone = closed(device);
    device.publish(topics.telemetry('dev-a'), Buffer.alloc(4096), { qos: 0 });
    await gone;
    expect(broker.stats().connectionsRefused.packet_too_large).toBe(1);
  });

  it('closes a WebSocket whose small frame announces an oversized MQTT packet', async () => {
    const { ports, broker } = await res.broker({ wsPort: 0, maxPacketBytes: 1024 });
    const ws = new WebSocket(`ws://127.0.0.1:${ports.wsPort}/mqtt`, 'mqtt');
    res.onCleanup(() => ws.terminate());
    await once(ws, 'open');
    const gone = once(ws, 'close');
    ws.send(Buffer.from([0x30, 0x88, 0x27])); // PUBLISH, remaining length 5000, no body
    await gone;
    expect(broker.stats().connectionsRefused.packet_too_large).toBe(1);
  });
});

describe('MQTT over TLS', () => {
  let dir: string;
  let cert: string;
  let key: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'loa-broker-tls-'));
    cert = path.join(dir, 'cert.pem');
    key = path.join(dir, 'key.pem');
    await run('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
      '-addext', 'subjectAltName=DNS:localhost', '-keyout', key, '-out', cert,
    ]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('accepts a device over TLS with a verified certificate', async () => {
    const { url, ports } = await res.broker({ tls: { cert, key, port: 0 } });
    expect(ports.tlsPort).toBeGreaterThan(0);
    const controller = await res.as(url, 'controller');
    await controller.subscribeAsync(topics.events('dev-a'), { qos: 1 });
    const device = await res.as(`mqtts://127.0.0.1:${ports.tlsPort}`, 'dev-a', {
      ca: await readFile(cert),
      servername: 'localhost',
      rejectUnauthorized: true,
    });
    const received = nextMessage(controller);
    await device.publishAsync(topics.events('dev-a'), 'over-tls', { qos: 1 });
    expect(await received).toMatchObject({ payload: 'over-tls' });
  });

  it('rate-limits TLS and WebSocket connections before their handshakes', async () => {
    const { ports, broker } = await res.broker({ tls: { cert, key, port: 0 }, wsPort: 0, connectBurst: 2, connectRatePerS: 0.01 });
    const tlsUrl = `mqtts://127.0.0.1:${ports.tlsPort}`;
    const tlsOptions = { ca: await readFile(cert), servername: 'localhost' };
    await res.as(tlsUrl, 'dev-a', tlsOptions);
    await res.as(`ws://127.0.0.1:${ports.wsPort}/mqtt`, 'dev-b');
    await expect(res.as(tlsUrl, 'controller', tlsOptions)).rejects.toThrow();
    await expect(res.as(`ws://127.0.0.1:${ports.wsPort}/mqtt`, 'controller')).rejects.toThrow();
    expect(broker.stats().connectionsRefused.rate).toBe(2);
    expect(broker.stats().connectedClients).toBe(2);
  });
});

describe('a third-party client (mosquitto_pub / mosquitto_sub)', () => {
  const common = (port: number, user: string) => [
    '-h', '127.0.0.1', '-p', String(port), '-V', 'mqttv311', '-q', '1',
    '-u', user, '-P', accounts[user]!.password, '-i', user,
  ];

  it('publishes as a device through our broker to an MQTT.js service client', async () => {
    const { url, ports } = await res.broker();
    const controller = await res.as(url, 'controller');
    await controller.subscribeAsync(topics.telemetry('dev-a'), { qos: 1 });
    const received = nextMessage(controller);
    await run('mosquitto_pub', [...common(ports.mqttPort, 'dev-a'), '-t', topics.telemetry('dev-a'), '-m', 'from-mosquitto']);
    expect(await received).toMatchObject({ topic: topics.telemetry('dev-a'), payload: 'from-mosquitto' });
  });

  it('subscribes as a device and receives its retained manifest', async () => {
    const { url, ports } = await res.broker();
    const controller = await res.as(url, 'controller');
    await controller.publishAsync(topics.manifest('dev-a'), 'manifest-v7', { qos: 1, retain: true });
    const { stdout } = await run('mosquitto_sub', [...common(ports.mqttPort, 'dev-a'), '-t', topics.manifest('dev-a'), '-C', '1', '-W', '10']);
    expect(stdout.trim()).toBe('manifest-v7');
  });

  it('is refused with a wrong password', async () => {
    const { ports } = await res.broker();
    const args = [...common(ports.mqttPort, 'dev-a'), '-t', topics.telemetry('dev-a'), '-m', 'x'];
    args[args.indexOf('-P') + 1] = 'not-the-secret';
    await expect(run('mosquitto_pub', args)).rejects.toMatchObject({ stderr: expect.stringMatching(/bad user name or password/i) });
  });
});
