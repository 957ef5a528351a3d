// Authentication and topic access control through a real broker on port 0 and real MQTT.js
// clients. "Never receives" is proven by ordering, not by waiting: after the forbidden message,
// a permitted one is sent on the same path, and it must be the first thing that arrives.
import { afterEach, describe, expect, it } from 'vitest';
import { REVOCATIONS_TOPIC, topics } from '../shared/topics.js';
import { accounts, type ConnectError, closed, grantedQos, nextMessage, Resources } from './test-support.js';

const res = new Resources();
afterEach(() => res.closeAll());

describe('broker authentication', () => {
  it('refuses an anonymous client with CONNACK 4 (bad user name or password)', async () => {
    const { url, broker } = await res.broker();
    const err: ConnectError = await res.connect(url, { clientId: 'dev-a' }).catch((e) => e);
    expect(err.code).toBe(4);
    expect(broker.stats().connectionsRefused.auth).toBe(1);
  });

  it('refuses an unknown user', async () => {
    const { url } = await res.broker();
    const err: ConnectError = await res.connect(url, { username: 'nobody', password: 'x', clientId: 'nobody' }).catch((e) => e);
    expect(err.code).toBe(4);
  });

  it('refuses a wrong secret and never writes the secret to the log', async () => {
    const { url, logs } = await res.broker();
    const wrong = 'wrong-secret-c0ffee';
    const err: ConnectError = await res.connect(url, { username: 'dev-a', password: wrong, clientId: 'dev-a' }).catch((e) => e);
    expect(err.code).toBe(4);
    const refusal = logs.lines().find((l) => l.msg === 'MQTT connection refused');
    expect(refusal).toMatchObject({ level: 40, username: 'dev-a', clientId: 'dev-a', remoteAddress: '127.0.0.1' });
    expect(logs.text()).not.toContain(wrong);
    expect(logs.text()).not.toContain(accounts['dev-a']!.password);
  });

  it('accepts a device with its own secret and counts it as connected', async () => {
    const { url, broker, logs } = await res.broker();
    const device = await res.as(url, 'dev-a');
    expect(device.connected).toBe(true);
    expect(broker.stats().connectedClients).toBe(1);
    expect(logs.text()).not.toContain(accounts['dev-a']!.password);
  });

  it("refuses a device whose client id is not its device id (CONNACK 2), so it cannot take over another's session", async () => {
    const { url } = await res.broker();
    const victim = await res.as(url, 'dev-b');
    const err: ConnectError = await res.as(url, 'dev-a', { clientId: 'dev-b' }).catch((e) => e);
    expect(err.code).toBe(2);
    expect(victim.connected).toBe(true);
  });

  it('answers CONNACK 3 (server unavailable) when the credential check itself fails', async () => {
    const { url, logs } = await res.broker({ authenticate: () => Promise.reject(new Error('database is locked')) });
    const err: ConnectError = await res.as(url, 'dev-a').catch((e) => e);
    expect(err.code).toBe(3);
    expect(logs.lines().some((l) => l.level === 50 && String(l.msg).includes('credential check unavailable'))).toBe(true);
  });

  it("refuses (CONNACK 5) a device whose Last Will targets another device's state", async () => {
    const { url } = await res.broker();
    const will = { topic: topics.state('dev-b'), payload: Buffer.from('{}'), qos: 1 as const, retain: true };
    const err: ConnectError = await res.as(url, 'dev-a', { will }).catch((e) => e);
    expect(err.code).toBe(5);
  });
});

describe('broker access control', () => {
  it("drops a device's publish to another device's topic, acknowledges it, and counts the denial", async () => {
    const { url, broker, logs } = await res.broker();
    const target = await res.as(url, 'dev-b');
    await target.subscribeAsync(topics.cmd('dev-b'), { qos: 1 });
    const watcher = await res.as(url, 'controller');
    await watcher.subscribeAsync('loa/v1/#', { qos: 1 });
    const attacker = await res.as(url, 'dev-a');

    const watched = nextMessage(watcher);
    const targetFirst = nextMessage(target);
    // QoS 1: the PUBACK arrives (acknowledge-and-drop) and the connection stays up.
    await attacker.publishAsync(topics.cmd('dev-b'), '{"op":"power"}', { qos: 1 });
    await attacker.publishAsync(topics.telemetry('dev-a'), 'marker', { qos: 1 });
    expect(await watched).toMatchObject({ topic: topics.telemetry('dev-a'), payload: 'marker' });
    await watcher.publishAsync(topics.cmd('dev-b'), 'from-controller', { qos: 1 });
    expect(await targetFirst).toMatchObject({ topic: topics.cmd('dev-b'), payload: 'from-controller' });

    expect(attacker.connected).toBe(true);
    expect(broker.stats().aclDenied.publish).toBe(1);
    expect(logs.lines().find((l) => l.msg === 'MQTT publish denied')).toMatchObject({
      level: 40,
      deviceId: 'dev-a',
      topic: topics.cmd('dev-b'),
    });
  });

  it("refuses (granted QoS 128) a device subscribing to another device's commands, which then receives nothing there", async () => {
    const { url, broker } = await res.broker();
    const snoop = await res.as(url, 'dev-a');
    expect(await grantedQos(snoop, topics.cmd('dev-b'))).toEqual([128]);
    await snoop.subscribeAsync(topics.cmd('dev-a'), { qos: 1 });
    expect(snoop.connected).toBe(true);

    const controller = await res.as(url, 'controller');
    const first = nextMessage(snoop);
    await controller.publishAsync(topics.cmd('dev-b'), 'secret-order', { qos: 1 });
    await controller.publishAsync(topics.cmd('dev-a'), 'own-order', { qos: 1 });
    expect(await first).toMatchObject({ topic: topics.cmd('dev-a'), payload: 'own-order' });
    expect(broker.stats().aclDenied.subscribe).toBe(1);
  });

  it("allows area subscriptions for the device's own commune, district and province, and refuses another district", async () => {
    const { url } = await res.broker();
    const device = await res.as(url, 'dev-a');
    const own = ['01843', '058', '06'].map((c) => topics.areaCmd(c));
    expect(await grantedQos(device, [...own, topics.areaCmd('059')])).toEqual([1, 1, 1, 128]);

    const controller = await res.as(url, 'controller');
    const first = nextMessage(device);
    await controller.publishAsync(topics.areaCmd('059'), 'other-district', { qos: 1 });
    await controller.publishAsync(topics.areaCmd('058'), 'own-district', { qos: 1 });
    expect(await first).toMatchObject({ topic: topics.areaCmd('058'), payload: 'own-district' });
  });

  it("keeps a refused filter out of a persistent session: another device's commands sent while it was away never reach it", async () => {
    // Aedes gives its store the whole SUBSCRIBE, refused filters included; before the fix, the
    // refused filter collected dev-b's commands while dev-a was offline and delivered them at its
    // next connect.
    const { url } = await res.broker();
    const snoop = await res.as(url, 'dev-a', { clean: false });
    expect(await grantedQos(snoop, [topics.cmd('dev-a'), topics.cmd('dev-b'), topics.areaCmd('059')])).toEqual([1, 128, 128]);
    await snoop.endAsync();

    const controller = await res.as(url, 'controller');
    await controller.publishAsync(topics.cmd('dev-b'), 'secret-order', { qos: 1 });
    await controller.publishAsync(topics.areaCmd('059'), 'other-district', { qos: 1 });
    await controller.publishAsync(topics.cmd('dev-a'), 'own-order', { qos: 1 });

    const received: string[] = [];
    const back = await res.as(url, 'dev-a', { clean: false });
    back.on('message', (topic, payload) => received.push(`${topic}=${payload}`));
    const first = nextMessage(back);
    expect(await first).toMatchObject({ topic: topics.cmd('dev-a'), payload: 'own-order' });
    await controller.publishAsync(topics.cmd('dev-a'), 'second-order', { qos: 1 });
    await expect.poll(() => received.length).toBe(2);
    expect(received).toEqual([`${topics.cmd('dev-a')}=own-order`, `${topics.cmd('dev-a')}=second-order`]);
  });

  it.each(['loa/v1/devices/+/cmd', '#', 'loa/v1/devices/dev-a/#'])('refuses the wildcard subscription %j from a device', async (filter) => {
    const { url } = await res.broker();
    const device = await res.as(url, 'dev-a');
    expect(await grantedQos(device, filter)).toEqual([128]);
    expect(device.connected).toBe(true);
  });

  it("delivers a device's Last Will (retained offline state) when its socket is destroyed", async () => {
    const { url } = await res.broker();
    const offline = JSON.stringify({ v: 1, ts: 1, online: false, reason: 'lost' });
    const device = await res.as(url, 'dev-a', { will: { topic: topics.state('dev-a'), payload: Buffer.from(offline), qos: 1, retain: true } });
    const controller = await res.as(url, 'controller');
    await controller.subscribeAsync(topics.state('dev-a'), { qos: 1 });

    const will = nextMessage(controller);
    device.stream.destroy();
    expect(await will).toMatchObject({ topic: topics.state('dev-a'), payload: offline });

    // Retained: a subscriber arriving later still learns the device is offline.
    const late = await res.connect(url, { ...credentialsOf('controller'), clientId: 'controller-late' });
    const retained = nextMessage(late);
    await late.subscribeAsync(topics.state('dev-a'), { qos: 1 });
    expect(await retained).toMatchObject({ payload: offline, retain: true });
  });

  it('drops a retained publish from a device outside its own state topic', async () => {
    const { url, broker } = await res.broker();
    const device = await res.as(url, 'dev-a');
    await device.publishAsync(topics.telemetry('dev-a'), 'should-not-stick', { qos: 1, retain: true });
    await device.publishAsync(topics.state('dev-a'), 'state-sticks', { qos: 1, retain: true });
    expect(broker.stats().aclDenied.publish).toBe(1);

    const controller = await res.as(url, 'controller');
    const first = nextMessage(controller);
    await controller.subscribeAsync([topics.telemetry('dev-a'), topics.state('dev-a')], { qos: 1 });
    expect(await first).toMatchObject({ topic: topics.state('dev-a'), payload: 'state-sticks', retain: true });
  });

  it("delivers the controller's command even when it is sent retained, but never retains it", async () => {
    const { url } = await res.broker();
    const device = await res.as(url, 'dev-a');
    await device.subscribeAsync(topics.cmd('dev-a'), { qos: 1 });
    const controller = await res.as(url, 'controller');
    const live = nextMessage(device);
    await controller.publishAsync(topics.cmd('dev-a'), 'power-on', { qos: 1, retain: true });
    expect(await live).toMatchObject({ payload: 'power-on' });

    // Reconnecting must not replay it: the manifest (retained) arrives, the command does not.
    await device.endAsync();
    await controller.publishAsync(topics.manifest('dev-a'), 'manifest-v1', { qos: 1, retain: true });
    const again = await res.as(url, 'dev-a');
    const first = nextMessage(again);
    await again.subscribeAsync([topics.cmd('dev-a'), topics.manifest('dev-a')], { qos: 1 });
    expect(await first).toMatchObject({ topic: topics.manifest('dev-a'), payload: 'manifest-v1', retain: true });
  });

  it('counts authorised messages by topic kind and the bytes received', async () => {
    const { url, broker } = await res.broker();
    const device = await res.as(url, 'dev-a');
    await device.publishAsync(topics.telemetry('dev-a'), '{}', { qos: 1 });
    await device.publishAsync(topics.telemetry('dev-a'), '{}', { qos: 1 });
    await device.publishAsync(topics.events('dev-a'), '{}', { qos: 1 });
    const controller = await res.as(url, 'controller');
    await controller.publishAsync(topics.areaCmd('06'), '{}', { qos: 1 });
    const stats = broker.stats();
    expect(stats.messagesIn).toMatchObject({ telemetry: 2, events: 1, 'area/cmd': 1, state: 0, other: 0 });
    expect(stats.bytesIn).toBeGreaterThan(100);
    expect(stats.connectionsAccepted).toBe(2);
  });

  it('keeps a device that only misbehaves on topics connected', async () => {
    const { url } = await res.broker();
    const device = await res.as(url, 'dev-a');
    await device.publishAsync('$SYS/fake', 'x', { qos: 1 });
    await device.publishAsync('not/in/contract', 'x', { qos: 0 });
    await device.publishAsync(topics.telemetry('dev-a'), 'ok', { qos: 1 });
    expect(device.connected).toBe(true);
    await device.endAsync();
    await closed(device);
  });
});

describe('revocations from the controller', () => {
  const revocation = (deviceId: string, reason = 'disabled') => JSON.stringify({ v: 1, ts: Date.now(), deviceId, reason });

  it("closes a revoked device's connection (its Last Will goes out) and nobody else's; the message is not routed", async () => {
    const { url, broker } = await res.broker();
    const offline = JSON.stringify({ v: 1, ts: 1, online: false, reason: 'lost' });
    const revoked = await res.as(url, 'dev-a', { will: { topic: topics.state('dev-a'), payload: Buffer.from(offline), qos: 1, retain: true } });
    const other = await res.as(url, 'dev-b');
    const controller = await res.as(url, 'controller');
    await controller.subscribeAsync([topics.state('dev-a'), REVOCATIONS_TOPIC], { qos: 1 });
    const seen: string[] = [];
    controller.on('message', (topic) => seen.push(topic));
    const gone = closed(revoked);
    await controller.publishAsync(REVOCATIONS_TOPIC, revocation('dev-a'), { qos: 1 });
    await gone;
    await expect.poll(() => seen).toEqual([topics.state('dev-a')]); // the will; the revocation itself is not routed
    expect(other.connected).toBe(true);
    expect(broker.stats().revocations).toEqual({ closed: 1, not_connected: 0, invalid: 0 });
  });

  it('counts a revocation for a device that is not connected, and drops a bad one without closing anything', async () => {
    const { url, broker, logs } = await res.broker();
    const device = await res.as(url, 'dev-a');
    const controller = await res.as(url, 'controller');
    await controller.publishAsync(REVOCATIONS_TOPIC, revocation('dev-b', 'secret_rotated'), { qos: 1 });
    await controller.publishAsync(REVOCATIONS_TOPIC, 'not json', { qos: 1 });
    await controller.publishAsync(REVOCATIONS_TOPIC, revocation('constructor'), { qos: 1 }); // not a key of Aedes' client table
    await controller.publishAsync(REVOCATIONS_TOPIC, JSON.stringify({ v: 1, ts: 1, deviceId: 'dev-a', reason: 'because' }), { qos: 1 });
    await expect.poll(() => broker.stats().revocations).toEqual({ closed: 0, not_connected: 2, invalid: 2 });
    expect(device.connected).toBe(true);
    expect(controller.connected).toBe(true);
    expect(logs.lines().filter((l) => l.msg === 'MQTT revocation dropped: bad payload')).toHaveLength(2);
  });

  it("refuses a device's revocation like any publish outside its topics", async () => {
    const { url, broker } = await res.broker();
    const victim = await res.as(url, 'dev-b');
    const device = await res.as(url, 'dev-a');
    await device.publishAsync(REVOCATIONS_TOPIC, revocation('dev-b'), { qos: 1 });
    await expect.poll(() => broker.stats().aclDenied.publish).toBe(1);
    expect(broker.stats().revocations).toEqual({ closed: 0, not_connected: 0, invalid: 0 });
    expect(victim.connected).toBe(true);
    expect(await grantedQos(device, REVOCATIONS_TOPIC)).toEqual([128]);
  });

  it('makes the credential check forget the device, so a cached answer cannot let it back in', async () => {
    const forgotten: string[] = [];
    const { url } = await res.broker({ forgetCredentials: (username) => forgotten.push(username) });
    const controller = await res.as(url, 'controller');
    await controller.publishAsync(REVOCATIONS_TOPIC, revocation('dev-a'), { qos: 1 });
    await expect.poll(() => forgotten).toEqual(['dev-a']);
  });
});

function credentialsOf(username: string) {
  return { username, password: accounts[username]!.password };
}
