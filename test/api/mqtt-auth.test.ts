// The HTTP credential check and ACL decision that standalone and external brokers use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpAuthenticate } from '../../broker/standalone.js';
import { silentLogger } from '../../platform/logger.js';
import { startTestSystem, type TestSystem } from '../system.js';

let sys: TestSystem;
let basic: Record<string, string>;
beforeAll(async () => {
  sys = await startTestSystem();
  const { username, secret } = sys.ctx.serviceAccount;
  basic = { authorization: `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}` };
});
afterAll(async () => sys?.close());

describe('broker authentication over HTTP', () => {
  it('answers a device identity with its area codes to the service account only', async () => {
    const device = await sys.provision('01858');
    const body = { username: device.deviceId, password: device.secret, clientId: device.deviceId, remoteAddress: '10.0.0.7' };
    const ok = await sys.http('POST', '/api/v1/mqtt/authenticate', { headers: basic, body });
    expect(ok.status).toBe(200);
    expect(ok.body.identity).toEqual({ kind: 'device', deviceId: device.deviceId, areaCodes: ['01858', '060', '06'] });
    const anonymous = await sys.http('POST', '/api/v1/mqtt/authenticate', { body });
    expect(anonymous.status).toBe(401);
    const wrong = await sys.http('POST', '/api/v1/mqtt/authenticate', { headers: basic, body: { ...body, password: 'nope-nope-nope-nope' } });
    expect(wrong.status).toBe(403);
  });

  it('works with the standalone broker\'s client', async () => {
    const device = await sys.provision('01861');
    const { username, secret } = sys.ctx.serviceAccount;
    const authenticate = createHttpAuthenticate({ controllerUrl: sys.httpUrl, serviceName: username, serviceSecret: secret, logger: silentLogger });
    expect(await authenticate({ username: device.deviceId, password: device.secret, clientId: device.deviceId, remoteAddress: '127.0.0.1' })).toMatchObject({ kind: 'device' });
    expect(await authenticate({ username: device.deviceId, password: 'x'.repeat(43), clientId: device.deviceId, remoteAddress: '127.0.0.1' })).toBeNull();
  });

  it('gives external brokers the ACL decision', async () => {
    const device = await sys.provision('01858');
    const ask = (action: string, topic: string) => sys.http('POST', '/api/v1/mqtt/authorize', { headers: basic, body: { username: device.deviceId, action, topic } });
    expect((await ask('publish', `loa/v1/devices/${device.deviceId}/telemetry`)).body.result).toBe('allow');
    expect((await ask('subscribe', 'loa/v1/areas/060/cmd')).body.result).toBe('allow');
    expect((await ask('subscribe', 'loa/v1/areas/058/cmd')).body.result).toBe('deny');
    expect((await ask('publish', 'loa/v1/devices/dev-other00000/telemetry')).body.result).toBe('deny');
  });
});
