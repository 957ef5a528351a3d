// The standalone broker's credential check over HTTP, against a tiny fake controller.
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../platform/listen.js';
import type { AuthenticateRequest, BrokerIdentity } from './identity.js';
import { AuthBackendError, createHttpAuthenticate, type HttpAuthenticateOptions } from './standalone.js';
import { captureLogs, type ConnectError, Resources } from './test-support.js';

const res = new Resources();
afterEach(() => res.closeAll());

const deviceA: BrokerIdentity = { kind: 'device', deviceId: 'dev-a', areaCodes: ['01843', '058', '06'] };
const request: AuthenticateRequest = { username: 'dev-a', password: 'pw-a', clientId: 'dev-a', remoteAddress: '10.1.2.3' };

interface Seen {
  authorization: string | undefined;
  path: string | undefined;
  method: string | undefined;
  body: unknown;
}

/** A fake controller answering with `answer(body)`; records every request it gets. */
async function fakeController(answer: (body: AuthenticateRequest) => { status: number; json?: unknown } | Promise<never>) {
  const seen: Seen[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer(async (req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw) as AuthenticateRequest;
    seen.push({ authorization: req.headers.authorization, path: req.url, method: req.method, body });
    const { status, json } = await answer(body);
    // Give concurrent requests a chance to overlap before answering.
    await new Promise((resolve) => setImmediate(resolve));
    inFlight--;
    res.writeHead(status, { 'content-type': 'application/json' }).end(json === undefined ? '' : JSON.stringify(json));
  });
  const port = await listen(server, 0, '127.0.0.1', 'TEST');
  res.onCleanup(() => new Promise((resolve) => server.close(resolve)));
  res.onCleanup(() => server.closeAllConnections());
  return { url: `http://127.0.0.1:${port}`, seen, maxInFlight: () => maxInFlight };
}

function authenticateWith(controllerUrl: string, extra: Partial<HttpAuthenticateOptions> = {}) {
  const logs = captureLogs();
  const authenticate = createHttpAuthenticate({
    controllerUrl,
    serviceName: 'loa-broker',
    serviceSecret: 'broker-secret',
    logger: logs.logger,
    ...extra,
  });
  return { authenticate, logs };
}

describe('createHttpAuthenticate', () => {
  it('posts the credentials with HTTP Basic auth and returns the identity', async () => {
    const controller = await fakeController(() => ({ status: 200, json: { identity: deviceA } }));
    const { authenticate } = authenticateWith(`${controller.url}/`);
    expect(await authenticate(request)).toEqual(deviceA);
    expect(controller.seen).toEqual([
      {
        method: 'POST',
        path: '/api/v1/mqtt/authenticate',
        authorization: `Basic ${Buffer.from('loa-broker:broker-secret').toString('base64')}`,
        body: request,
      },
    ]);
  });

  it.each([401, 403])('returns null (refused) on HTTP %i and does not cache the refusal', async (status) => {
    const controller = await fakeController(() => ({ status, json: { code: 'BAD_CREDENTIALS' } }));
    const { authenticate } = authenticateWith(controller.url);
    expect(await authenticate(request)).toBeNull();
    expect(await authenticate(request)).toBeNull();
    expect(controller.seen).toHaveLength(2);
  });

  it('reuses a positive answer for the same user name and password, not for another password', async () => {
    const controller = await fakeController((body) => (body.password === 'pw-a' ? { status: 200, json: { identity: deviceA } } : { status: 401 }));
    const { authenticate } = authenticateWith(controller.url);
    await authenticate(request);
    expect(await authenticate({ ...request, remoteAddress: '10.9.9.9' })).toEqual(deviceA);
    expect(controller.seen).toHaveLength(1);
    expect(await authenticate({ ...request, password: 'guess' })).toBeNull();
    expect(controller.seen).toHaveLength(2);
  });

  it('asks again after forget(user name): a revoked device does not get back in on a cached answer', async () => {
    let allowed = true;
    const controller = await fakeController(() => (allowed ? { status: 200, json: { identity: deviceA } } : { status: 401 }));
    const { authenticate } = authenticateWith(controller.url);
    expect(await authenticate(request)).toEqual(deviceA);
    allowed = false; // disabled at the controller
    expect(await authenticate(request)).toEqual(deviceA); // the cached answer, within its TTL
    authenticate.forget(request.username);
    authenticate.forget('someone-else');
    expect(await authenticate(request)).toBeNull();
    expect(controller.seen).toHaveLength(2);
  });

  it('asks again once the cached answer has expired', async () => {
    const controller = await fakeController(() => ({ status: 200, json: { identity: deviceA } }));
    const { authenticate } = authenticateWith(controller.url, { cacheTtlMs: 0 });
    await authenticate(request);
    await authenticate(request);
    expect(controller.seen).toHaveLength(2);
  });

  it('shares one HTTP call between simultaneous attempts with the same credentials', async () => {
    const controller = await fakeController(() => ({ status: 200, json: { identity: deviceA } }));
    const { authenticate } = authenticateWith(controller.url);
    const answers = await Promise.all([authenticate(request), authenticate(request), authenticate(request)]);
    expect(answers).toEqual([deviceA, deviceA, deviceA]);
    expect(controller.seen).toHaveLength(1);
  });

  it('keeps at most maxConcurrent calls in flight during a reconnect storm', async () => {
    const controller = await fakeController((body) => ({
      status: 200,
      json: { identity: { kind: 'device', deviceId: body.username, areaCodes: [] } },
    }));
    const { authenticate } = authenticateWith(controller.url, { maxConcurrent: 2 });
    const users = Array.from({ length: 12 }, (_, i) => `dev-${i}`);
    const answers = await Promise.all(users.map((u) => authenticate({ ...request, username: u, clientId: u })));
    expect(answers.map((a) => (a?.kind === 'device' ? a.deviceId : null))).toEqual(users);
    expect(controller.maxInFlight()).toBeLessThanOrEqual(2);
    expect(controller.seen).toHaveLength(12);
  });

  it('rejects with AuthBackendError and logs clearly once when the controller is unreachable', async () => {
    const controller = await fakeController(() => ({ status: 200 }));
    const deadUrl = controller.url;
    await res.closeAll(); // the fake controller is gone; its port refuses connections now
    const { authenticate, logs } = authenticateWith(deadUrl);
    await expect(authenticate(request)).rejects.toBeInstanceOf(AuthBackendError);
    await expect(authenticate(request)).rejects.toThrow(/controller unreachable/);
    const errors = logs.lines().filter((l) => l.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.msg).toMatch(/controller unreachable .*ECONNREFUSED.*refusing MQTT connections/);
    expect(logs.text()).not.toContain('pw-a');
    expect(logs.text()).not.toContain('broker-secret');
  });

  it('rejects when the controller does not answer within the timeout', async () => {
    const controller = await fakeController(() => new Promise<never>(() => {}));
    const { authenticate } = authenticateWith(controller.url, { timeoutMs: 100 });
    await expect(authenticate(request)).rejects.toThrow(/no answer within 100 ms/);
  });

  it.each([
    ['HTTP 500', { status: 500, json: { code: 'INTERNAL' } }, /HTTP 500/],
    ['HTTP 404', { status: 404 }, /HTTP 404/],
    ['a body that is not JSON', { status: 200, json: undefined }, /JSON/],
    ['an identity of the wrong shape', { status: 200, json: { identity: { kind: 'device', deviceId: 'a/b' } } }, /contract/],
  ])('rejects on %s', async (_name, answer, message) => {
    const controller = await fakeController(() => answer);
    const { authenticate } = authenticateWith(controller.url);
    await expect(authenticate(request)).rejects.toThrow(message);
  });

  it('logs when the controller is reachable again', async () => {
    let up = false;
    const controller = await fakeController(() => (up ? { status: 200, json: { identity: deviceA } } : { status: 503 }));
    const { authenticate, logs } = authenticateWith(controller.url);
    await expect(authenticate(request)).rejects.toThrow(/HTTP 503/);
    up = true;
    expect(await authenticate(request)).toEqual(deviceA);
    expect(logs.lines().some((l) => l.level === 30 && /reachable again/.test(String(l.msg)))).toBe(true);
  });
});

describe('a standalone broker checking credentials with the controller', () => {
  it('admits a device the controller vouches for, and answers CONNACK 3 while the controller is down', async () => {
    let up = true;
    const controller = await fakeController((body) =>
      !up ? { status: 503 } : body.password === 'pw-a' ? { status: 200, json: { identity: deviceA } } : { status: 401 },
    );
    const { authenticate } = authenticateWith(controller.url, { cacheTtlMs: 0 });
    const { url } = await res.broker({ authenticate });
    const device = await res.connect(url, { username: 'dev-a', password: 'pw-a', clientId: 'dev-a' });
    expect(device.connected).toBe(true);
    const wrong: ConnectError = await res.connect(url, { username: 'dev-a', password: 'nope', clientId: 'dev-a' }).catch((e) => e);
    expect(wrong.code).toBe(4);
    up = false;
    const down: ConnectError = await res.connect(url, { username: 'dev-a', password: 'pw-a', clientId: 'dev-a' }).catch((e) => e);
    expect(down.code).toBe(3);
    expect(controller.seen.at(-1)?.body).toMatchObject({ username: 'dev-a', clientId: 'dev-a', remoteAddress: '127.0.0.1' });
  });
});
