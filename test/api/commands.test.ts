// Commands to one cluster: stored pending, published (never retained), re-sent when the cluster
// comes online until answered or expired, results stored and shown, every command audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../shared/index.js';
import { type FakeAgent, fakeAgent, seedBulletin, waitFor } from '../broadcast-support.js';
import { startTestSystem, type TestSystem } from '../system.js';

let sys: TestSystem;
let operator: { cookie: string };
let agent: FakeAgent;
const others: FakeAgent[] = [];
const secretOf = new Map<string, string>();

const send = (deviceId: string, body: unknown, cookie = operator.cookie) =>
  sys.http('POST', `/api/v1/devices/${deviceId}/commands`, { cookie, body, headers: { 'accept-language': 'en' } });
const status = (id: string) => sys.ctx.broadcasts.commands.get(id)?.status;

beforeAll(async () => {
  sys = await startTestSystem();
  operator = await sys.createUser('commune_operator', '01858');
  const device = await sys.provision('01858');
  secretOf.set(device.deviceId, device.secret);
  agent = await fakeAgent(sys, device);
  // A programme, so the cluster has a manifest (sync re-sends it).
  const bulletin = await seedBulletin(sys, { ownerAreaCode: '01858' });
  const at = `${new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10)}T09:00`;
  const created = await sys.http('POST', '/api/v1/schedules', { cookie: operator.cookie, body: { title: 'Tin', timing: { kind: 'once', at }, bulletinIds: [bulletin.id], targets: { devices: [device.deviceId] } } });
  expect(created.status).toBe(201);
});
afterAll(async () => {
  await agent?.close();
  for (const a of others) await a.close();
  await sys?.close();
});

describe('a command to a cluster', () => {
  it('is published on its cmd topic with id and expiry, and its result is stored and shown', async () => {
    const bulletin = await seedBulletin(sys, { ownerAreaCode: '01858', durationMs: 30_000 });
    const res = await send(agent.deviceId, { op: 'play', bulletinId: bulletin.id, class: 'priority', volume: 90 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'pending', op: 'play', sentCount: 1 });
    await waitFor(() => expect(agent.commands.find((c) => c.payload.id === res.body.id)).toBeDefined());
    const got = agent.commands.find((c) => c.payload.id === res.body.id)!;
    expect(got.topic).toBe(topics.cmd(agent.deviceId));
    expect(got.payload).toMatchObject({ op: 'play', params: { class: 'priority', volume: 90, durationMs: 30_000, source: { type: 'media', sha256: bulletin.sha256 } } });
    expect(got.payload.expiresAt).toBeGreaterThan(Date.now());

    await agent.result(res.body.id, 'error', 'player busy');
    await waitFor(() => expect(status(res.body.id)).toBe('error'));
    const list = await sys.http('GET', `/api/v1/devices/${agent.deviceId}/commands`, { cookie: operator.cookie });
    expect(list.body.items[0]).toMatchObject({ id: res.body.id, status: 'error', error: 'player busy', createdBy: expect.any(String) });
    const audit = await sys.http('GET', '/api/v1/audit?action=device.command', { cookie: await sys.adminCookie() });
    expect(audit.body.items[0]).toMatchObject({ outcome: 'ok', targetId: agent.deviceId });
  });

  it('is never retained: the cluster reconnecting does not get an answered command again', async () => {
    const answered = sys.ctx.broadcasts.commands.list(agent.deviceId, 1, 0).items[0]!;
    expect(answered.status).toBe('error');
    await agent.close();
    const device = { deviceId: agent.deviceId, secret: secretOf.get(agent.deviceId)! };
    agent = await fakeAgent(sys, device);
    // The retained manifest arrives on subscribe; a retained command would have come with it.
    await waitFor(() => expect(agent.manifests.length).toBeGreaterThanOrEqual(1));
    expect(agent.commands.map((c) => c.payload.id)).not.toContain(answered.id);
  });

  it('reaches a cluster that was offline when it was sent, once it comes online', async () => {
    const device = await sys.provision('01858');
    const res = await send(device.deviceId, { op: 'power', state: 'off' });
    expect(res.body.status).toBe('pending');
    const late = await fakeAgent(sys, device);
    others.push(late);
    await waitFor(() => expect(late.commands.map((c) => c.payload.id)).toContain(res.body.id));
    await late.result(res.body.id);
    await waitFor(() => expect(status(res.body.id)).toBe('ok'));
  });

  it('is not re-sent after it expired', async () => {
    const device = await sys.provision('01858');
    const res = await send(device.deviceId, { op: 'restart', ttlS: 10 });
    expect(sys.ctx.broadcasts.commands.expire(Date.now() + 11_000)).toBeGreaterThanOrEqual(1);
    expect(status(res.body.id)).toBe('expired');
    const late = await fakeAgent(sys, device);
    others.push(late);
    await sys.ctx.broadcasts.manifests.whenIdle();
    expect(late.commands.map((c) => c.payload.id)).not.toContain(res.body.id);
  });

  it('sync re-sends the manifest', async () => {
    await sys.ctx.broadcasts.manifests.whenIdle();
    await waitFor(() => expect(agent.manifests.length).toBeGreaterThanOrEqual(1));
    const before = agent.manifests.length;
    const res = await send(agent.deviceId, { op: 'sync' });
    expect(res.status).toBe(201);
    await waitFor(() => expect(agent.manifests.length).toBe(before + 1));
  });

  it('refuses bad commands, emergencies from a commune operator, and clusters outside the area', async () => {
    expect((await send(agent.deviceId, { op: 'play' })).body.code).toBe('command_invalid');
    expect((await send(agent.deviceId, { op: 'volume' })).body.code).toBe('command_invalid');
    expect((await send(agent.deviceId, { op: 'play', stream: { url: 'ftp://x/y' } })).body.code).toBe('invalid_stream_url');
    expect((await send(agent.deviceId, { op: 'dance' })).status).toBe(400);
    const emergency = await send(agent.deviceId, { op: 'play', class: 'emergency', stream: { url: 'https://vov.vn/live' } });
    expect([emergency.status, emergency.body.code]).toEqual([403, 'forbidden_role']);
    const elsewhere = await sys.provision('01861');
    const outside = await send(elsewhere.deviceId, { op: 'volume', level: 10 });
    expect([outside.status, outside.body.code]).toEqual([403, 'forbidden_scope']);
    const denied = sys.ctx.database.sqlite.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'device.command' AND outcome = 'denied'`).get() as { n: number };
    expect(denied.n).toBe(2);
  });
});
