// Withdrawing a cluster's access from the console cuts its live MQTT connection at once, not
// only its next CONNECT: disabling it (a stolen cluster) and rotating its secret.
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../system.js';

let sys: TestSystem;
let admin: string;
beforeAll(async () => {
  sys = await startTestSystem();
  admin = await sys.adminCookie();
});
afterAll(() => sys.close());

async function connectAs(deviceId: string, secret: string): Promise<mqtt.MqttClient> {
  return mqtt.connectAsync(sys.mqttUrl, { clientId: deviceId, username: deviceId, password: secret, reconnectPeriod: 0, connectTimeout: 5_000 });
}

function closing(client: mqtt.MqttClient): Promise<void> {
  return new Promise((resolve) => client.once('close', () => resolve()));
}

async function refusedCode(deviceId: string, secret: string): Promise<number | undefined> {
  try {
    const client = await connectAs(deviceId, secret);
    await client.endAsync();
    return 0;
  } catch (err) {
    return (err as { code?: number }).code;
  }
}

describe('revoking a cluster', () => {
  it('disabling it closes its connection now, and it cannot connect again', async () => {
    const device = await sys.provision('01861');
    const bystander = await sys.provision('01861');
    const live = await connectAs(device.deviceId, device.secret);
    const other = await connectAs(bystander.deviceId, bystander.secret);
    const gone = closing(live);
    const res = await sys.http('PATCH', `/api/v1/devices/${device.deviceId}`, { cookie: admin, body: { disabled: true } });
    expect(res.status).toBe(200);
    await gone;
    expect(await refusedCode(device.deviceId, device.secret)).toBe(4); // refused like a wrong secret: a disabled device has no valid credentials
    expect(other.connected).toBe(true);
    await other.endAsync();
    expect(sys.broker.stats().revocations.closed).toBeGreaterThanOrEqual(1);
  });

  it('rotating its secret closes its connection; the new secret connects, the old one is refused', async () => {
    const device = await sys.provision('01864');
    const live = await connectAs(device.deviceId, device.secret);
    const gone = closing(live);
    const res = await sys.http('POST', `/api/v1/devices/${device.deviceId}/rotate-secret`, { cookie: admin });
    expect(res.status).toBe(200);
    await gone;
    expect(await refusedCode(device.deviceId, device.secret)).not.toBe(0);
    const renewed = await connectAs(device.deviceId, res.body.secret);
    expect(renewed.connected).toBe(true);
    await renewed.endAsync();
  });
});
