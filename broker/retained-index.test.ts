import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { bareStoreBroker } from './test-support.js';

describe('retained messages looked up by exact topic', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function start() {
    const port = await bareStoreBroker(closers);
    return async () => {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
      closers.push(() => client.endAsync());
      return client;
    };
  }

  async function retainedFor(client: mqtt.MqttClient, topics: string[], expected: number): Promise<string[]> {
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      client.on('message', (topic, payload, packet) => {
        if (packet.retain) seen.push(`${topic}=${payload.toString()}`);
        if (seen.length === expected) resolve();
      });
    });
    await client.subscribeAsync(topics, { qos: 1 });
    if (expected > 0) await done;
    // A round trip after the subscription: anything else retained would have arrived by now.
    await client.publishAsync('probe/end', 'x', { qos: 1 });
    return seen.sort();
  }

  it('delivers the retained message of an exact topic, every match of a wildcard, and forgets a cleared one', async () => {
    const connect = await start();
    const publisher = await connect();
    await publisher.publishAsync('loa/v1/devices/dev-1/state', 'on-1', { qos: 1, retain: true });
    await publisher.publishAsync('loa/v1/devices/dev-2/state', 'on-2', { qos: 1, retain: true });
    await publisher.publishAsync('loa/v1/devices/dev-1/manifest', 'm-1', { qos: 1, retain: true });
    await publisher.publishAsync('loa/v1/devices/dev-1/manifest', 'm-1b', { qos: 1, retain: true }); // replaces
    await publisher.publishAsync('loa/v1/devices/dev-2/manifest', 'm-2', { qos: 1, retain: true });
    await publisher.publishAsync('loa/v1/devices/dev-2/manifest', '', { qos: 1, retain: true }); // clears

    expect(await retainedFor(await connect(), ['loa/v1/devices/dev-1/manifest'], 1)).toEqual(['loa/v1/devices/dev-1/manifest=m-1b']);
    expect(await retainedFor(await connect(), ['loa/v1/devices/dev-2/manifest'], 0)).toEqual([]);
    expect(await retainedFor(await connect(), ['loa/v1/devices/+/state'], 2)).toEqual(['loa/v1/devices/dev-1/state=on-1', 'loa/v1/devices/dev-2/state=on-2']);
    expect(await retainedFor(await connect(), ['loa/v1/devices/dev-2/state', 'loa/v1/devices/dev-1/#'], 3)).toEqual([
      'loa/v1/devices/dev-1/manifest=m-1b',
      'loa/v1/devices/dev-1/state=on-1',
      'loa/v1/devices/dev-2/state=on-2',
    ]);
  });
});
