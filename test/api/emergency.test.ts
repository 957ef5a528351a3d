// Emergency broadcast: one API call, one publish per area (clusters receive it on
// areas/{code}/cmd), every targeted cluster's acknowledgement and playback start tracked and
// streamed as they arrive; clusters offline at send time get it individually when they connect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../shared/index.js';
import { type FakeAgent, fakeAgent, seedBulletin, waitFor } from '../broadcast-support.js';
import { startTestSystem, type TestSystem } from '../system.js';

let sys: TestSystem;
let staff: { cookie: string };
const agents: FakeAgent[] = [];
let inDistrict: FakeAgent[];
let outside: FakeAgent;

const send = (body: unknown, cookie = staff.cookie) => sys.http('POST', '/api/v1/emergencies', { cookie, body, headers: { 'accept-language': 'en' } });

async function openStream(id: string, cookie: string) {
  const res = await fetch(`${sys.httpUrl}/api/v1/emergencies/${id}/stream`, { headers: { cookie } });
  const reader = res.body!.getReader();
  const state = { text: '', status: res.status, contentType: res.headers.get('content-type'), reader };
  (async () => {
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      state.text += decoder.decode(value, { stream: true });
    }
  })();
  return state;
}

beforeAll(async () => {
  sys = await startTestSystem();
  staff = await sys.createUser('district_staff', '060');
  const connect = async (commune: string, district: string) => {
    const a = await fakeAgent(sys, await sys.provision(commune), [commune, district, '06']);
    agents.push(a);
    return a;
  };
  inDistrict = [await connect('01858', '060'), await connect('01858', '060'), await connect('01861', '060')];
  outside = await connect('01888', '061');
});
afterAll(async () => {
  for (const a of agents) await a.close();
  await sys?.close();
});

describe('an emergency broadcast', () => {
  it('is published once for the district and reaches every cluster in it, and no other', async () => {
    const bulletin = await seedBulletin(sys, { ownerAreaCode: '060', durationMs: 45_000, title: 'Cảnh báo lũ quét' });
    const before = await sys.ctx.metrics.registry.getSingleMetricAsString('loa_mqtt_messages_out_total');
    const res = await send({ title: 'Cảnh báo lũ quét', areaCodes: ['060', '01858'], bulletinId: bulletin.id });
    expect(res.status).toBe(201);
    // 01858 lies in 060: one publish covers it.
    expect(res.body.areaCodes).toEqual(['060']);
    for (const a of inDistrict) await waitFor(() => expect(a.commands.map((c) => c.payload.id)).toContain(res.body.id));
    const got = inDistrict[0]!.commands.find((c) => c.payload.id === res.body.id)!;
    expect(got.topic).toBe(topics.areaCmd('060'));
    expect(got.payload).toMatchObject({ op: 'play', emergencyId: res.body.id, params: { class: 'emergency', durationMs: 45_000, source: { type: 'media', sha256: bulletin.sha256 } } });
    expect(outside.commands.map((c) => c.payload.id)).not.toContain(res.body.id);
    const after = await sys.ctx.metrics.registry.getSingleMetricAsString('loa_mqtt_messages_out_total');
    const count = (text: string) => Number(text.split('\n').find((l) => l.includes('kind="cmd"'))?.split(' ').pop() ?? 0);
    expect(count(after) - count(before)).toBe(1);
    const audit = await sys.http('GET', '/api/v1/audit?action=emergency.send', { cookie: await sys.adminCookie() });
    expect(audit.body.items[0]).toMatchObject({ outcome: 'ok', targetId: res.body.id });
  });

  it('tracks acknowledgements and playback starts as they arrive, over the API and as a server-sent event stream', async () => {
    const res = await send({ title: 'Sơ tán', areaCodes: ['060'], stream: { url: 'https://radio.backan.gov.vn/khan-cap', durationMs: 600_000 } });
    const id = res.body.id as string;
    await waitFor(async () => expect((await sys.http('GET', `/api/v1/emergencies/${id}`, { cookie: staff.cookie })).body.counts.targeted).toBe(3));
    const stream = await openStream(id, staff.cookie);
    try {
      expect(stream.status).toBe(200);
      expect(stream.contentType).toMatch(/text\/event-stream/);
      await waitFor(() => expect(stream.text).toContain('event: summary'));
      const [a, b, c] = inDistrict as [FakeAgent, FakeAgent, FakeAgent];
      await a.result(id);
      await b.result(id, 'rejected', 'amplifier fault');
      await a.sendEvents([{ seq: 1, type: 'play_started', emergencyId: id, commandId: id, class: 'emergency' }]);
      await waitFor(() => expect(stream.text).toContain(a.deviceId));
      await waitFor(() => expect(stream.text).toMatch(/"startedAt":\d+/));
      await waitFor(async () => {
        const view = (await sys.http('GET', `/api/v1/emergencies/${id}`, { cookie: staff.cookie })).body;
        expect(view.counts).toMatchObject({ targeted: 3, acknowledged: 1, refused: 1, pending: 1, playing: 1 });
      });
      const devices = (await sys.http('GET', `/api/v1/emergencies/${id}/devices`, { cookie: staff.cookie })).body.items;
      expect(devices.find((d: { deviceId: string }) => d.deviceId === b.deviceId)).toMatchObject({ ackStatus: 'rejected', error: 'amplifier fault' });
      expect(devices.find((d: { deviceId: string }) => d.deviceId === c.deviceId)).toMatchObject({ ackStatus: 'pending', startedAt: null });
      // A commune operator sees only the clusters of their commune.
      const op = await sys.createUser('commune_operator', '01861');
      const theirs = (await sys.http('GET', `/api/v1/emergencies/${id}/devices`, { cookie: op.cookie })).body.items;
      expect(theirs.map((d: { deviceId: string }) => d.deviceId)).toEqual([c.deviceId]);
    } finally {
      await stream.reader.cancel();
    }
  });

  it('reaches a cluster that was offline at send time, individually, when it connects', async () => {
    const device = await sys.provision('01861');
    const res = await send({ title: 'Cháy rừng', areaCodes: ['01861'], stream: { url: 'http://10.0.0.5/live', durationMs: 120_000 } });
    const late = await fakeAgent(sys, device, ['01861', '060', '06']);
    agents.push(late);
    await waitFor(() => expect(late.commands.find((c) => c.payload.id === res.body.id)?.topic).toBe(topics.cmd(device.deviceId)));
    expect(late.commands.find((c) => c.payload.id === res.body.id)!.payload.emergencyId).toBe(res.body.id);
    await late.result(res.body.id);
    await waitFor(async () => {
      const rows = (await sys.http('GET', `/api/v1/emergencies/${res.body.id}/devices`, { cookie: staff.cookie })).body.items;
      expect(rows.find((d: { deviceId: string }) => d.deviceId === device.deviceId)).toMatchObject({ ackStatus: 'ok', resentCount: 1 });
    });
  });

  it('can be stopped: clusters get a stop on the same areas', async () => {
    const res = await send({ title: 'Thử', areaCodes: ['060'], stream: { url: 'https://x.vn/s', durationMs: 60_000 } });
    const stop = await sys.http('POST', `/api/v1/emergencies/${res.body.id}/stop`, { cookie: staff.cookie });
    expect(stop.status).toBe(200);
    expect(stop.body.status).toBe('stopped');
    await waitFor(() => expect(inDistrict[2]!.commands.some((c) => c.payload.op === 'stop' && c.payload.emergencyId === res.body.id)).toBe(true));
    // The clusters' answers to the stop are expected, not dropped as answers to an unknown command.
    const stopCommand = inDistrict[2]!.commands.find((c) => c.payload.op === 'stop' && c.payload.emergencyId === res.body.id)!;
    const unknown = async () => (await sys.ctx.metrics.payloadsDropped.get()).values.find((v) => v.labels.reason === 'unknown_command')?.value ?? 0;
    const before = await unknown();
    const messagesIn = async () => (await sys.ctx.metrics.mqttMessagesIn.get()).values.find((v) => v.labels.kind === 'cmd/result')?.value ?? 0;
    const resultsBefore = await messagesIn();
    await inDistrict[2]!.result(stopCommand.payload.id);
    await inDistrict[1]!.result(stopCommand.payload.id, 'error', 'player would not stop');
    await inDistrict[0]!.result('cmd-0000000000000000'); // an answer to a command nobody sent is still a drop
    await waitFor(async () => expect(await messagesIn()).toBe(resultsBefore + 3));
    expect(await unknown()).toBe(before + 1);
    const again = await sys.http('POST', `/api/v1/emergencies/${res.body.id}/stop`, { cookie: staff.cookie, headers: { 'accept-language': 'en' } });
    expect([again.status, again.body.code]).toEqual([409, 'emergency_not_active']);
  });

  it('is refused to a commune operator, outside the sender area, and for a non-http stream', async () => {
    const op = await sys.createUser('commune_operator', '01858');
    expect((await send({ title: 'x', areaCodes: ['01858'], stream: { url: 'https://a.vn', durationMs: 60_000 } }, op.cookie)).body.code).toBe('forbidden_role');
    expect((await send({ title: 'x', areaCodes: ['061'], stream: { url: 'https://a.vn', durationMs: 60_000 } })).body.code).toBe('forbidden_scope');
    expect((await send({ title: 'x', areaCodes: ['060'], stream: { url: 'udp://a.vn', durationMs: 60_000 } })).body.code).toBe('invalid_stream_url');
    const draft = await seedBulletin(sys, { ownerAreaCode: '060', status: 'draft' });
    expect((await send({ title: 'x', areaCodes: ['060'], bulletinId: draft.id })).body.code).toBe('bulletin_not_approved');
    expect(outside.commands).toEqual([]);
  });

  // Last: the restart disconnects the other test clients (they do not reconnect).
  it('is re-sent after the broker restarts mid-emergency to clusters that had not acknowledged it', async () => {
    const device = await sys.provision('01858');
    const first = await fakeAgent(sys, device, ['01858', '060', '06']);
    const res = await send({ title: 'Lũ lên nhanh', areaCodes: ['01858'], stream: { url: 'https://x.vn/lu', durationMs: 60_000 } });
    await waitFor(() => expect(first.commands.map((c) => c.payload.id)).toContain(res.body.id));
    await first.client.endAsync(true);
    await sys.restartBroker();
    await waitFor(() => expect(sys.ctx.mqtt.connected).toBe(true), 15_000);
    const again = await fakeAgent(sys, device, ['01858', '060', '06'], { waitOnline: false });
    agents.push(again);
    await waitFor(() => expect(again.commands.find((c) => c.payload.id === res.body.id)?.topic).toBe(topics.cmd(device.deviceId)));
  });
});
