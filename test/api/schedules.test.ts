// Schedules over the API with a real broker and MQTT.js clients playing the clusters: occurrences,
// per-device manifests published retained only when they change, conflicts and the Circular 39
// priority order, groups, deletion, and every bad input with its catalogue error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAgent, fakeAgent, localAt, seedBulletin, waitFor } from '../broadcast-support.js';
import { startTestSystem, type TestSystem } from '../system.js';

let sys: TestSystem;
let admin: string;
let operator: { cookie: string; id: number };
let district: { cookie: string };
const agents: FakeAgent[] = [];
const secrets = new Map<string, string>();
let a1: FakeAgent; // 01858 (Pác Nặm, 060)
let a2: FakeAgent; // 01858
let b1: FakeAgent; // 01861 (Pác Nặm, 060)
let c1: FakeAgent; // 01888 (Ba Bể, 061)
let bulletin: { id: number; sha256: string; durationMs: number };

const everyDay = [1, 2, 3, 4, 5, 6, 7];
const post = (cookie: string, body: unknown) => sys.http('POST', '/api/v1/schedules', { cookie, body, headers: { 'accept-language': 'en' } });
const itemsOf = (a: FakeAgent) => sys.ctx.broadcasts.manifests.current(a.deviceId)?.items ?? [];
const settle = () => sys.ctx.broadcasts.manifests.whenIdle();

beforeAll(async () => {
  sys = await startTestSystem();
  admin = await sys.adminCookie();
  operator = await sys.createUser('commune_operator', '01858');
  district = await sys.createUser('district_staff', '060');
  const provision = async (commune: string, areas: string[]) => {
    const d = await sys.provision(commune);
    secrets.set(d.deviceId, d.secret);
    const a = await fakeAgent(sys, d, areas);
    agents.push(a);
    return a;
  };
  a1 = await provision('01858', ['01858', '060', '06']);
  a2 = await provision('01858', ['01858', '060', '06']);
  b1 = await provision('01861', ['01861', '060', '06']);
  c1 = await provision('01888', ['01888', '061', '06']);
  bulletin = await seedBulletin(sys, { ownerAreaCode: '060', durationMs: 90_000, title: 'Thông báo phòng chống lũ' });
  await settle();
});
afterAll(async () => {
  for (const a of agents) await a.close();
  await sys?.close();
});

describe('a recurring schedule', () => {
  let scheduleId: number;

  it('expands into occurrences and reaches the manifests of the targeted clusters only', async () => {
    const res = await post(district.cookie, {
      title: 'Chương trình sáng',
      timing: { kind: 'weekly', daysOfWeek: everyDay, times: ['05:30', '17:00'] },
      bulletinIds: [bulletin.id],
      targets: { areas: ['01858'] },
      volume: 70,
    });
    expect(res.status).toBe(201);
    scheduleId = res.body.schedule.id;
    expect(res.body.schedule).toMatchObject({ ownerAreaCode: '01858', class: 'normal', timezone: 'Asia/Ho_Chi_Minh' });
    const occ = await sys.http('GET', `/api/v1/schedules/${scheduleId}/occurrences`, { cookie: admin });
    expect(occ.body.length).toBeGreaterThanOrEqual(14);
    await settle();
    for (const a of [a1, a2]) {
      await waitFor(() => expect(a.lastManifest()?.items.length).toBeGreaterThanOrEqual(14));
      const m = a.lastManifest()!;
      expect(m).toMatchObject({ deviceId: a.deviceId, timezone: 'Asia/Ho_Chi_Minh', config: { defaultVolume: 80 } });
      expect(m.items[0]).toMatchObject({ class: 'normal', volume: 70, durationMs: 90_000, source: { type: 'media', sha256: bulletin.sha256, url: `/api/v1/media/${bulletin.sha256}` } });
      expect(m.items[0]!.id).toBe(`${m.items[0]!.occurrenceId}:0`);
    }
    expect(itemsOf(b1)).toEqual([]);
    expect(itemsOf(c1)).toEqual([]);
  });

  it('keeps the manifest version when nothing changed, and publishes nothing', async () => {
    const before = a1.manifests.length;
    const version = sys.ctx.broadcasts.manifests.current(a1.deviceId)!.version;
    sys.ctx.broadcasts.manifests.markAll();
    await settle();
    expect(sys.ctx.broadcasts.manifests.current(a1.deviceId)!.version).toBe(version);
    expect(a1.manifests.length).toBe(before);
  });

  it('records what each cluster was planned to play', () => {
    const n = sys.ctx.database.sqlite.prepare(`SELECT COUNT(*) AS n FROM playback_results WHERE device_id = ? AND status = 'planned'`).get(a1.deviceId) as { n: number };
    expect(n.n).toBe(itemsOf(a1).filter((i) => i.startAt >= Date.now()).length);
  });

  it('is visible to the commune it plays in, and audited', async () => {
    const list = await sys.http('GET', '/api/v1/schedules', { cookie: operator.cookie });
    expect(list.body.items.map((s: { id: number }) => s.id)).toContain(scheduleId);
    const audit = await sys.http('GET', '/api/v1/audit?action=schedule.', { cookie: admin });
    expect(audit.body.items.some((e: { action: string; outcome: string }) => e.action === 'schedule.create' && e.outcome === 'ok')).toBe(true);
  });

  it('when changed, keeps the occurrences whose start did not change and updates what they play', async () => {
    const before = (await sys.http('GET', `/api/v1/schedules/${scheduleId}/occurrences`, { cookie: admin })).body;
    const version = sys.ctx.broadcasts.manifests.current(a1.deviceId)!.version;
    const res = await sys.http('PUT', `/api/v1/schedules/${scheduleId}`, {
      cookie: district.cookie,
      body: { title: 'Chương trình sáng', timing: { kind: 'weekly', daysOfWeek: everyDay, times: ['05:30'] }, bulletinIds: [bulletin.id], targets: { areas: ['01858'] }, volume: 60 },
    });
    expect(res.status).toBe(200);
    const after = (await sys.http('GET', `/api/v1/schedules/${scheduleId}/occurrences`, { cookie: admin })).body;
    const morning = (list: { id: number; startAt: number }[]) => list.filter((o) => new Date(o.startAt).getUTCHours() === 22).map((o) => o.id);
    expect(morning(after)).toEqual(morning(before));
    expect(after.length).toBeLessThan(before.length);
    await settle();
    await waitFor(() => expect(a1.lastManifest()!.version).toBeGreaterThan(version));
    const mine = a1.lastManifest()!.items.filter((i) => i.scheduleId === String(scheduleId));
    expect(new Set(mine.map((i) => i.volume))).toEqual(new Set([60]));
    // The schedule is owned by commune 01858 (its only target): another commune cannot change it.
    const denied = await sys.http('PUT', `/api/v1/schedules/${scheduleId}`, { cookie: (await sys.createUser('commune_operator', '01861')).cookie, body: { title: 'x', timing: { kind: 'weekly', daysOfWeek: [1], times: ['06:00'] }, bulletinIds: [bulletin.id], targets: { areas: ['01861'] } } });
    expect(denied.status).toBe(403);
  });

  it('when deleted, withdraws its future occurrences from every manifest', async () => {
    const version = sys.ctx.broadcasts.manifests.current(a1.deviceId)!.version;
    const res = await sys.http('DELETE', `/api/v1/schedules/${scheduleId}`, { cookie: district.cookie });
    expect(res.status).toBe(200);
    await settle();
    await waitFor(() => expect(a1.lastManifest()!.version).toBeGreaterThan(version));
    expect(a1.lastManifest()!.items.filter((i) => i.scheduleId === String(scheduleId) && i.startAt > Date.now())).toEqual([]);
    const left = sys.ctx.database.sqlite.prepare(`SELECT COUNT(*) AS n FROM playback_results WHERE device_id = ? AND status = 'planned'`).get(a1.deviceId) as { n: number };
    expect(left.n).toBe(0);
  });
});

describe('conflicts', () => {
  it('refuses the same class overlapping on the same cluster, listing the clash', async () => {
    const at = localAt(2, '09:00');
    const first = await post(operator.cookie, { title: 'Tin xã 1', timing: { kind: 'once', at }, bulletinIds: [bulletin.id], targets: { areas: ['01858'] } });
    expect(first.status).toBe(201);
    const second = await post(district.cookie, { title: 'Tin huyện', timing: { kind: 'once', at: localAt(2, '09:01') }, bulletinIds: [bulletin.id], targets: { devices: [a1.deviceId] } });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('schedule_conflict');
    expect(second.body.details.clashes[0]).toMatchObject({ scheduleId: first.body.schedule.id, title: 'Tin xã 1' });
    // A cluster the first one does not reach is free at that time.
    const elsewhere = await post(district.cookie, { title: 'Tin huyện', timing: { kind: 'once', at: localAt(2, '09:01') }, bulletinIds: [bulletin.id], targets: { devices: [b1.deviceId] } });
    expect(elsewhere.status).toBe(201);
  });

  it('lets a higher class overlap a lower one (it interrupts)', async () => {
    const res = await post(district.cookie, { title: 'Ưu tiên', class: 'priority', timing: { kind: 'once', at: localAt(2, '09:00:30') }, bulletinIds: [bulletin.id], targets: { areas: ['060'] } });
    expect(res.status).toBe(201);
    expect(res.body.priorityClashes).toEqual([]);
  });

  it('accepts clashing priority items, plays them one after another, and the commune decides their order', async () => {
    const p1 = await post(district.cookie, { title: 'Ưu tiên huyện', class: 'priority', timing: { kind: 'once', at: localAt(3, '10:00') }, bulletinIds: [bulletin.id], targets: { areas: ['060'] } });
    const p2 = await post(operator.cookie, { title: 'Ưu tiên xã', class: 'priority', timing: { kind: 'once', at: localAt(3, '10:00:30') }, bulletinIds: [bulletin.id], targets: { areas: ['01858'] } });
    expect(p2.status).toBe(201);
    expect(p2.body.priorityClashes.map((c: { scheduleId: number }) => c.scheduleId)).toEqual([p1.body.schedule.id]);
    await settle();
    const clashes = await sys.http('GET', '/api/v1/communes/01858/priority-clashes', { cookie: operator.cookie });
    expect(clashes.status).toBe(200);
    const cluster = clashes.body.find((c: { occurrences: { scheduleId: number }[] }) => c.occurrences.some((o) => o.scheduleId === p2.body.schedule.id));
    expect(cluster.decided).toBe(false);
    const [first, second] = cluster.occurrences;
    expect(first.scheduleId).toBe(p1.body.schedule.id);
    expect(second.playsAt).toBe(first.playsAt + 90_000);

    const order = await sys.http('PUT', '/api/v1/communes/01858/priority-order', { cookie: operator.cookie, body: { occurrenceIds: [second.occurrenceId, first.occurrenceId] } });
    expect(order.status).toBe(200);
    await settle();
    const item = (occ: number) => itemsOf(a1).find((i) => i.occurrenceId === String(occ))!;
    await waitFor(() => expect(item(first.occurrenceId).startAt).toBe(item(second.occurrenceId).startAt + 90_000));
    expect(item(second.occurrenceId).startAt).toBe(second.plannedStartAt);
    // Another commune keeps the district item at its own time.
    expect(itemsOf(b1).find((i) => i.occurrenceId === String(first.occurrenceId))!.startAt).toBe(first.plannedStartAt);
  });

  it("refuses an order for items that do not clash in the commune", async () => {
    const res = await sys.http('PUT', '/api/v1/communes/01858/priority-order', { cookie: operator.cookie, body: { occurrenceIds: [999_991, 999_992] }, headers: { 'accept-language': 'en' } });
    expect(res.status).toBe(404);
  });
});

describe('a cluster offline through the horizon roll', () => {
  it('gets its manifest on provisioning and the roll\'s new airings while offline, and receives them when it connects', async () => {
    const device = await sys.provision('01858');
    await settle();
    const first = sys.ctx.broadcasts.manifests.current(device.deviceId)!;
    expect(first.items.length).toBeGreaterThan(0);
    // As if the horizon had ended before the last airing: the roll brings it in.
    const last = first.items[first.items.length - 1]!;
    sys.ctx.database.sqlite.prepare(`UPDATE occurrences SET status = 'withdrawn' WHERE id = ?`).run(Number(last.occurrenceId));
    sys.ctx.broadcasts.manifests.markDirty([device.deviceId]);
    await settle();
    expect(sys.ctx.broadcasts.manifests.current(device.deviceId)!.items.map((i) => i.id)).not.toContain(last.id);
    await sys.controller.jobs.runNow('schedule-horizon-roll');
    const built = sys.ctx.broadcasts.manifests.current(device.deviceId)!;
    expect(built.items.map((i) => i.id)).toContain(last.id);
    const late = await fakeAgent(sys, device);
    agents.push(late);
    await waitFor(() => expect(late.lastManifest()?.version).toBe(built.version));
    expect(late.lastManifest()!.items).toEqual(built.items);
  });
});

describe('clusters with nothing to play', () => {
  it('come online again without a manifest rebuild each, and get their first manifest when a schedule reaches them', async () => {
    // Ngân Sơn (062) has no schedule in this file until the end of this test.
    const device = await sys.provision('01936');
    await settle();
    expect(sys.ctx.broadcasts.manifests.current(device.deviceId)).toBeUndefined();
    const first = await fakeAgent(sys, device);
    await settle();
    const before = { ...sys.ctx.broadcasts.manifests.stats };
    await first.close();
    // Reconnects (as after a broker restart): each says online; none needs a rebuild.
    for (let i = 0; i < 3; i++) {
      const again = await fakeAgent(sys, device);
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // past the 1 s reconnect de-duplication
      await settle();
      await again.close();
    }
    expect(sys.ctx.broadcasts.manifests.stats.clustersConsidered).toBe(before.clustersConsidered);
    const late = await fakeAgent(sys, device);
    agents.push(late);
    const res = await post(admin, { title: 'Tin xã Vân Tùng', timing: { kind: 'weekly', daysOfWeek: everyDay, times: ['19:00'] }, bulletinIds: [bulletin.id], targets: { areas: ['01936'] } });
    expect(res.status).toBe(201);
    await waitFor(() => expect(late.lastManifest()?.items.length).toBeGreaterThan(0));
  });
});

describe('media references', () => {
  it('let a targeted cluster download what its manifest plays, and no other cluster', async () => {
    // Owned by another district: only the manifest gives a cluster of 01858 the right to fetch it.
    const foreign = await seedBulletin(sys, { ownerAreaCode: '061', title: 'Chương trình tỉnh' });
    const res = await sys.http('POST', '/api/v1/schedules', { cookie: admin, body: { title: 'Tiếp âm', timing: { kind: 'once', at: localAt(5, '08:00') }, bulletinIds: [foreign.id], targets: { devices: [a1.deviceId] } } });
    expect(res.status).toBe(201);
    await settle();
    const fetchAs = (deviceId: string) =>
      fetch(`${sys.httpUrl}/api/v1/media/${foreign.sha256}`, { headers: { authorization: `Basic ${Buffer.from(`${deviceId}:${secrets.get(deviceId)}`).toString('base64')}` } });
    expect((await fetchAs(a1.deviceId)).status).toBe(200);
    expect((await fetchAs(a2.deviceId)).status).toBe(403);
    expect(sys.ctx.mediaRefs.referencedBy(foreign.sha256)).toContain('broadcasts');
  });
});

describe('device groups', () => {
  it('target only their members', async () => {
    const group = await sys.http('POST', '/api/v1/device-groups', { cookie: district.cookie, body: { name: 'Loa chợ', areaCode: '060', deviceIds: [a2.deviceId, b1.deviceId] } });
    expect(group.status).toBe(201);
    const res = await post(district.cookie, { title: 'Phiên chợ', timing: { kind: 'once', at: localAt(4, '07:00') }, bulletinIds: [bulletin.id], targets: { groups: [group.body.id] } });
    expect(res.status).toBe(201);
    await settle();
    const has = (a: FakeAgent) => itemsOf(a).some((i) => i.scheduleId === String(res.body.schedule.id));
    expect([has(a1), has(a2), has(b1), has(c1)]).toEqual([false, true, true, false]);
  });

  it('refuse a member outside the group area', async () => {
    const res = await sys.http('POST', '/api/v1/device-groups', { cookie: district.cookie, body: { name: 'Sai', areaCode: '01858', deviceIds: [b1.deviceId] }, headers: { 'accept-language': 'en' } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('group_member_outside');
  });
});

describe('bad input', () => {
  const base = () => ({ title: 'X', timing: { kind: 'weekly', daysOfWeek: [1], times: ['06:00'] }, bulletinIds: [bulletin.id], targets: { areas: ['01858'] } });

  it('a one-off in the past → 400 schedule_in_past', async () => {
    const res = await post(operator.cookie, { ...base(), timing: { kind: 'once', at: localAt(-1, '06:00') } });
    expect([res.status, res.body.code]).toEqual([400, 'schedule_in_past']);
    expect(res.body.message).toMatch(/past/);
  });

  it('an invalid cron expression → 400 invalid_cron, in Vietnamese by default', async () => {
    const res = await sys.http('POST', '/api/v1/schedules', { cookie: operator.cookie, body: { ...base(), timing: { kind: 'cron', cron: '99 5 * * *' } } });
    expect([res.status, res.body.code]).toEqual([400, 'invalid_cron']);
    expect(res.body.message).toMatch(/cron không hợp lệ/);
  });

  it('a cron that fires every second → 400 schedule_too_frequent', async () => {
    const res = await post(operator.cookie, { ...base(), timing: { kind: 'cron', cron: '* * * * * *' } });
    expect([res.status, res.body.code]).toEqual([400, 'schedule_too_frequent']);
  });

  it('a target outside the caller scope → 403, audited as denied', async () => {
    const res = await post(operator.cookie, { ...base(), targets: { areas: ['01861'] } });
    expect([res.status, res.body.code]).toEqual([403, 'forbidden_scope']);
    const audit = sys.ctx.database.sqlite.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'schedule.create' AND outcome = 'denied'`).get() as { n: number };
    expect(audit.n).toBeGreaterThanOrEqual(1);
  });

  it('an unapproved or not yet transcoded bulletin → 409', async () => {
    const draft = await seedBulletin(sys, { status: 'submitted' });
    const res = await post(operator.cookie, { ...base(), bulletinIds: [draft.id] });
    expect([res.status, res.body.code]).toEqual([409, 'bulletin_not_approved']);
    const notReady = await seedBulletin(sys, { ready: false });
    expect((await post(operator.cookie, { ...base(), bulletinIds: [notReady.id] })).body.code).toBe('bulletin_not_ready');
    expect((await post(operator.cookie, { ...base(), bulletinIds: [987_654] })).status).toBe(404);
  });

  it('a relay stream that is not http(s) → 400 invalid_stream_url', async () => {
    const { bulletinIds: _, ...rest } = base();
    const res = await post(operator.cookie, { ...rest, stream: { url: 'rtsp://vov.vn/live', durationMs: 1_800_000 } });
    expect([res.status, res.body.code]).toEqual([400, 'invalid_stream_url']);
    const ok = await post(district.cookie, { ...rest, title: 'Tiếp sóng VOV1', timing: { kind: 'weekly', daysOfWeek: [7], times: ['19:00'] }, stream: { url: 'https://vov.vn/live/vov1.mp3', durationMs: 1_800_000 } });
    expect(ok.status).toBe(201);
  });

  it('an emergency-class schedule from a commune operator → 403 forbidden_role', async () => {
    const res = await post(operator.cookie, { ...base(), class: 'emergency' });
    expect([res.status, res.body.code]).toEqual([403, 'forbidden_role']);
  });

  it('no target, or both a playlist and a stream → 400', async () => {
    expect((await post(operator.cookie, { ...base(), targets: {} })).body.code).toBe('target_required');
    expect((await post(operator.cookie, { ...base(), stream: { url: 'https://a.vn/x', durationMs: 60_000 } })).status).toBe(400);
  });
});
