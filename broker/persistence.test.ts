// The broker's store under real MQTT clients: a persistent session gets what was published while
// it was away, in order, once; what it acknowledged is not sent again; QoS 2 completes.
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { bareStoreBroker } from './test-support.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const startBroker = () => bareStoreBroker(closers);

async function session(port: number, clientId: string, received: string[]): Promise<mqtt.MqttClient> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId, clean: false, reconnectPeriod: 0 });
  client.on('message', (topic, payload) => received.push(`${topic}=${payload.toString()}`));
  return client;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describe('persistent sessions in the broker store', () => {
  it('delivers what was queued while away, in order, and nothing twice once acknowledged', async () => {
    const port = await startBroker();
    const first: string[] = [];
    const controller = await session(port, 'ctl', first);
    await controller.subscribeAsync('loa/#', { qos: 1 });
    await controller.endAsync();

    const publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
    closers.push(() => publisher.endAsync());
    for (let i = 1; i <= 200; i++) await publisher.publishAsync(`loa/m/${i}`, String(i), { qos: 1 });

    const back: string[] = [];
    const again = await session(port, 'ctl', back);
    for (let i = 0; i < 50 && back.length < 200; i++) await settle();
    expect(back).toEqual(Array.from({ length: 200 }, (_, i) => `loa/m/${i + 1}=${i + 1}`));
    await settle(); // the PUBACKs reach the broker
    await again.endAsync();

    const third: string[] = [];
    const last = await session(port, 'ctl', third);
    closers.push(() => last.endAsync());
    await publisher.publishAsync('loa/after', 'x', { qos: 1 });
    for (let i = 0; i < 20 && third.length < 1; i++) await settle();
    expect(third).toEqual(['loa/after=x']);
    expect(first).toEqual([]);
  });

  it('completes a QoS 2 delivery to a persistent session and does not repeat it', async () => {
    const port = await startBroker();
    const got: string[] = [];
    const sub = await session(port, 'q2', got);
    await sub.subscribeAsync('q/#', { qos: 2 });
    const publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
    closers.push(() => publisher.endAsync());
    await publisher.publishAsync('q/1', 'once', { qos: 2 });
    for (let i = 0; i < 20 && got.length < 1; i++) await settle();
    await settle();
    await sub.endAsync();
    const later: string[] = [];
    const back = await session(port, 'q2', later);
    closers.push(() => back.endAsync());
    await settle();
    expect(got).toEqual(['q/1=once']);
    expect(later).toEqual([]);
  });
});
