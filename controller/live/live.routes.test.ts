// The console's live stream against a real controller, broker and agents: presence changes
// reach exactly the readers whose area holds the cluster; a stream ends with its session; an
// account cannot open streams without bound; a stopping controller closes every stream.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestSystem, type TestSystem } from '../../test/system.js';
import { openSse, type RunningAgent, type SseEvent, startAgent } from './test-support.js';

let sys: TestSystem;
let closed = false;
const agents: RunningAgent[] = [];

const live = (cookie?: string) => openSse(`${sys.httpUrl}/api/v1/live`, cookie ? { cookie } : {});
const presenceOf = (deviceId: string, online: boolean) => (e: SseEvent) => e.event === 'presence' && e.data.deviceId === deviceId && e.data.online === online;

beforeAll(async () => {
  // Keep-alive (and the session re-check that rides on it) every second, so ending is quick to see.
  sys = await startTestSystem({ LOA_LIVE_KEEPALIVE_S: '1' });
});
afterAll(async () => {
  for (const a of agents) await a.stop();
  if (!closed) await sys.close();
});

describe('GET /api/v1/live', () => {
  it("streams a cluster going online and offline to readers whose area holds it, and to no one else", async () => {
    const operatorA = await sys.createUser('commune_operator', '01858');
    const operatorB = await sys.createUser('commune_operator', '01861');
    const admin = await live(await sys.adminCookie());
    const a = await live(operatorA.cookie);
    const b = await live(operatorB.cookie);
    for (const stream of [admin, a, b]) expect((await stream.next((e) => e.event === 'hello')).data).toMatchObject({ keepAliveS: 1 });

    const inA = await sys.provision('01858', 'Nà Mò');
    const inB = await sys.provision('01861', 'Trung tâm');
    const agentA = await startAgent(sys, inA);
    agents.push(agentA);
    const seen = await a.next(presenceOf(inA.deviceId, true));
    expect(seen.data).toMatchObject({ reason: 'connected', communeCode: '01858', districtCode: '060', name: 'Nà Mò', stationId: expect.any(Number) });
    await admin.next(presenceOf(inA.deviceId, true));

    // B's first presence event is its own cluster's: it never saw A's.
    agents.push(await startAgent(sys, inB));
    await b.next(presenceOf(inB.deviceId, true));
    await admin.next(presenceOf(inB.deviceId, true));
    expect(b.events.filter((e) => e.event === 'presence').map((e) => e.data.deviceId)).toEqual([inB.deviceId]);

    await agentA.stop();
    agents.splice(agents.indexOf(agentA), 1);
    expect((await a.next(presenceOf(inA.deviceId, false))).data.reason).toBe('shutdown');
    expect(a.events.filter((e) => e.event === 'presence').map((e) => e.data.deviceId)).toEqual([inA.deviceId, inA.deviceId]);
    for (const stream of [admin, a, b]) stream.close();
  });

  it('ends the stream of a session that signs out', async () => {
    const viewer = await sys.createUser('viewer', '060');
    const stream = await live(viewer.cookie);
    await stream.next((e) => e.event === 'hello');
    await sys.http('POST', '/api/v1/auth/logout', { cookie: viewer.cookie });
    expect((await stream.next((e) => e.event === 'bye')).data).toEqual({ reason: 'session_ended' });
    await stream.ended;
  });

  it('refuses an account a ninth stream at once, and frees its place when one closes', async () => {
    const user = await sys.createUser('district_staff', '060');
    const streams = [];
    for (let i = 0; i < 8; i++) streams.push(await live(user.cookie));
    const refused = await sys.http('GET', '/api/v1/live', { cookie: user.cookie, headers: { 'accept-language': 'en' } });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('too_many_live_streams');
    streams.pop()!.close();
    const size = sys.ctx.live.size;
    await vi.waitFor(() => expect(sys.ctx.live.size).toBeLessThan(size), { timeout: 5000 });
    const again = await live(user.cookie);
    expect(again.status).toBe(200);
    for (const s of [...streams, again]) s.close();
  });

  it('needs a signed-in reader', async () => {
    const res = await sys.http('GET', '/api/v1/live');
    expect(res.status).toBe(401);
  });

  it('is closed by the controller when it stops, so shutting down never hangs on a browser', async () => {
    const stream = await live(await sys.adminCookie());
    await stream.next((e) => e.event === 'hello');
    for (const a of agents.splice(0)) await a.stop();
    await sys.close();
    closed = true;
    await stream.ended;
  });
});
