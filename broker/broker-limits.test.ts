// Resource limits and lifecycle: packet size, connection rate, ports, start/stop.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listen, PortInUseError } from '../platform/listen.js';
import { topics } from '../shared/topics.js';
import { closed, nextMessage, Resources } from './test-support.js';

const res = new Resources();
afterEach(() => res.closeAll());

function rawConnect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
    res.onCleanup(() => socket.destroy());
  });
}

const socketClosed = (socket: net.Socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()));

describe('packet size limit', () => {
  it('closes the connection of a client that sends an oversized packet and keeps serving the others', async () => {
    const { url, broker, logs } = await res.broker({ maxPacketBytes: 1024 });
    const bystander = await res.as(url, 'dev-b');
    await bystander.subscribeAsync(topics.cmd('dev-b'), { qos: 1 });
    const offender = await res.as(url, 'dev-a');

    const gone = closed(offender);
    offender.publish(topics.telemetry('dev-a'), Buffer.alloc(2048, 0x61), { qos: 0 });
    await gone;

    expect(broker.stats().connectionsRefused.packet_too_large).toBe(1);
    expect(logs.lines().some((l) => l.msg === 'MQTT connection closed: packet larger than the limit')).toBe(true);
    const controller = await res.as(url, 'controller');
    const received = nextMessage(bystander);
    await controller.publishAsync(topics.cmd('dev-b'), Buffer.alloc(900, 0x62), { qos: 1 });
    expect((await received).payload).toHaveLength(900);
  });

  it('closes the connection on the header alone, without waiting for the announced body', async () => {
    const { ports } = await res.broker({ maxPacketBytes: 1024 });
    const socket = await rawConnect(ports.mqttPort);
    const gone = socketClosed(socket);
    // PUBLISH announcing 268,435,455 bytes (the MQTT maximum); no body is ever sent.
    socket.write(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]));
    await gone;
  });
});

describe('connection rate limit', () => {
  it('refuses the burst+1-th connection from one address and counts it', async () => {
    const { url, broker } = await res.broker({ connectBurst: 3, connectRatePerS: 0.01 });
    const admitted = [await res.as(url, 'dev-a'), await res.as(url, 'dev-b'), await res.as(url, 'controller')];
    await expect(res.as(url, 'controller', { clientId: 'controller-2' })).rejects.toThrow();
    expect(broker.stats().connectionsRefused.rate).toBe(1);
    expect(admitted.every((c) => c.connected)).toBe(true);
  });
});

describe('ports and lifecycle', () => {
  it('reports a busy MQTT port as PortInUseError naming LOA_MQTT_PORT', async () => {
    const { ports } = await res.broker();
    const err = await res.broker({ port: ports.mqttPort }).catch((e) => e);
    expect(err).toBeInstanceOf(PortInUseError);
    expect(err).toMatchObject({ envVar: 'LOA_MQTT_PORT', port: ports.mqttPort });
    expect(err.message).toContain('LOA_MQTT_PORT');
  });

  it('names LOA_MQTT_WS_PORT for a busy WebSocket port and releases the ports it had bound', async () => {
    const blocker = net.createServer();
    const busyPort = await listen(blocker, 0, '127.0.0.1', 'TEST');
    res.onCleanup(() => new Promise((resolve) => blocker.close(resolve)));
    const probe = net.createServer();
    const mqttPort = await listen(probe, 0, '127.0.0.1', 'TEST');
    await new Promise((resolve) => probe.close(resolve));

    const err = await res.broker({ port: mqttPort, wsPort: busyPort }).catch((e) => e);
    expect(err).toMatchObject({ name: 'PortInUseError', envVar: 'LOA_MQTT_WS_PORT' });
    // The MQTT port bound before the failure is free again.
    const again = net.createServer();
    await listen(again, mqttPort, '127.0.0.1', 'TEST');
    await new Promise((resolve) => again.close(resolve));
  });

  it('stop() disconnects clients, ends silent connections and frees the port', async () => {
    const { url, broker, ports } = await res.broker();
    const device = await res.as(url, 'dev-a');
    const silent = await rawConnect(ports.mqttPort);
    const deviceGone = closed(device);
    const silentGone = socketClosed(silent);
    await broker.stop();
    await Promise.all([deviceGone, silentGone]);
    const again = net.createServer();
    await listen(again, ports.mqttPort, '127.0.0.1', 'TEST');
    await new Promise((resolve) => again.close(resolve));
    await broker.stop();
  });

  it('refuses to start twice', async () => {
    const { broker } = await res.broker();
    await expect(broker.start()).rejects.toThrow(/cannot start/);
  });
});
