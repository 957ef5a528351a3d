import net from 'node:net';
import mqttPacket from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../platform/logger.js';
import { Metrics } from '../metrics.js';
import { ControllerMqtt } from './link.js';

// A broker that accepts the connection and the subscriptions but never acknowledges a publish,
// so the controller's QoS 1 publishes stay in flight (a busy or dying broker).
async function silentBroker(): Promise<{ url: string; sockets: Set<net.Socket>; published: () => number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let published = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (packet) => {
      if (packet.cmd === 'connect') socket.write(mqttPacket.generate({ cmd: 'connack', returnCode: 0, sessionPresent: false }));
      if (packet.cmd === 'subscribe') socket.write(mqttPacket.generate({ cmd: 'suback', messageId: packet.messageId, granted: packet.subscriptions.map(() => 1) }));
      if (packet.cmd === 'publish') published++;
    });
    socket.on('data', (chunk) => parser.parse(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    sockets,
    published: () => published,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('the controller MQTT link stops even with publishes in flight', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function linkWithUnackedPublish() {
    const broker = await silentBroker();
    closers.push(broker.close);
    const link = new ControllerMqtt({ url: broker.url, username: 'svc', password: 'x', logger: silentLogger, metrics: new Metrics() });
    await link.start();
    link.publish('loa/v1/devices/d1/events/ack', Buffer.from('{}'), { qos: 1 }).catch(() => {});
    while (broker.published() === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    return { broker, link };
  }

  it('while connected: waits the grace period for acknowledgements, then closes', async () => {
    const { link } = await linkWithUnackedPublish();
    const t0 = Date.now();
    await link.stop(300);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(link.connected).toBe(false);
  });

  it('after the broker dropped the link: returns without waiting for acknowledgements that cannot come', async () => {
    const { broker, link } = await linkWithUnackedPublish();
    for (const s of broker.sockets) s.destroy();
    while (link.connected) await new Promise((resolve) => setTimeout(resolve, 10));
    // Before the fix this never resolved (mqtt.js end() waits for 'outgoingEmpty').
    const stopped = await Promise.race([link.stop(60_000).then(() => 'stopped'), new Promise((resolve) => setTimeout(() => resolve('hung'), 5_000))]);
    expect(stopped).toBe('stopped');
  });
});
