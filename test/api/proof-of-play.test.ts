// Proof of play: the agents' event batches are stored idempotently by (device, seq), acknowledged
// with the highest contiguous committed sequence, and turned into per-occurrence, per-cluster
// results; a commune operator confirms what was heard; district and province see the rates.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestItem } from '../../shared/index.js';
import { type FakeAgent, fakeAgent, seedBulletin, waitFor, ZONE } from '../broadcast-support.js';
import { startTestSystem, type TestSystem } from '../system.js';

let sys: TestSystem;
let operator: { cookie: string };
let district: { cookie: string };
let a: FakeAgent;
let b: FakeAgent;
let occurrenceId: number;
let item: ManifestItem;

const soon = (seconds: number) => DateTime.now().setZone(ZONE).plus({ seconds }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
const eventCount = (deviceId: string) => (sys.ctx.database.sqlite.prepare('SELECT COUNT(*) AS n FROM device_events WHERE device_id = ?').get(deviceId) as { n: number }).n;
const occurrence = async (cookie = district.cookie) => (await sys.http('GET', `/api/v1/occurrences/${occurrenceId}`, { cookie })).body;
const resultOf = async (deviceId: string) => (await occurrence()).devices.find((d: { deviceId: string }) => d.deviceId === deviceId);

beforeAll(async () => {
  sys = await startTestSystem();
  operator = await sys.createUser('commune_operator', '01858');
  district = await sys.createUser('district_staff', '060');
  a = await fakeAgent(sys, await sys.provision('01858'));
  b = await fakeAgent(sys, await sys.provision('01858'));
  const bulletin = await seedBulletin(sys, { ownerAreaCode: '01858', durationMs: 20_000 });
  const res = await sys.http('POST', '/api/v1/schedules', { cookie: operator.cookie, body: { title: 'Tin trưa', timing: { kind: 'once', at: soon(3) }, bulletinIds: [bulletin.id], targets: { areas: ['01858'] } } });
  expect(res.status).toBe(201);
  await sys.ctx.broadcasts.manifests.whenIdle();
  await waitFor(() => expect(a.lastManifest()?.items.length).toBe(1));
  item = a.lastManifest()!.items[0]!;
  occurrenceId = Number(item.occurrenceId);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await sys?.close();
});

describe('proof of play', () => {
  it('shows the occurrence as planned on both clusters before anything is reported', async () => {
    const view = await occurrence();
    expect(view.devices.map((d: { outcome: string }) => d.outcome)).toEqual(['planned', 'planned']);
  });

  it('stores a batch, acknowledges it after commit, and derives started/finished with the start skew', async () => {
    await a.sendEvents([
      { seq: 1, type: 'manifest_applied' },
      { seq: 2, ts: item.startAt + 7, type: 'play_started', itemId: item.id, occurrenceId: item.occurrenceId, scheduledAt: item.startAt, class: 'normal' },
      { seq: 3, ts: item.startAt + 20_007, type: 'play_finished', itemId: item.id, occurrenceId: item.occurrenceId },
    ]);
    await waitFor(() => expect(a.acks).toContain(3));
    expect(await resultOf(a.deviceId)).toMatchObject({ outcome: 'finished', skewMs: 7, startedAt: item.startAt + 7, endedAt: item.startAt + 20_007 });
  });

  it('counts nothing twice when a batch is uploaded again', async () => {
    const before = eventCount(a.deviceId);
    const acks = a.acks.length;
    await a.sendEvents([{ seq: 3, ts: item.startAt + 20_007, type: 'play_finished', itemId: item.id, occurrenceId: item.occurrenceId }]);
    await waitFor(() => expect(a.acks.length).toBe(acks + 1));
    expect(a.acks[a.acks.length - 1]).toBe(3);
    expect(eventCount(a.deviceId)).toBe(before);
  });

  it('acknowledges only the contiguous prefix when a sequence is missing', async () => {
    await b.sendEvents([{ seq: 1, type: 'agent_started' }]);
    await waitFor(() => expect(b.acks).toEqual([1]));
    await b.sendEvents([{ seq: 3, ts: item.startAt + 5_000, type: 'play_interrupted', itemId: item.id, occurrenceId: item.occurrenceId, interruptedBy: { class: 'emergency', commandId: 'em-1' } }]);
    await waitFor(() => expect(b.acks).toEqual([1, 1]));
    await b.sendEvents([{ seq: 2, ts: item.startAt + 3, type: 'play_started', itemId: item.id, occurrenceId: item.occurrenceId, scheduledAt: item.startAt }]);
    await waitFor(() => expect(b.acks).toEqual([1, 1, 3]));
    expect(await resultOf(b.deviceId)).toMatchObject({ outcome: 'interrupted', interruptedBy: { class: 'emergency', commandId: 'em-1' }, skewMs: 3 });
  });

  it('lets the commune operator confirm, audits it, and shows the district its rate', async () => {
    const res = await waitFor(async () => {
      const r = await sys.http('PUT', `/api/v1/communes/01858/occurrences/${occurrenceId}/confirmation`, { cookie: operator.cookie, body: { status: 'heard' } });
      expect(r.status).toBe(200);
      return r;
    });
    expect(res.body).toMatchObject({ occurrenceId, communeCode: '01858', status: 'heard' });
    const today = await sys.http('GET', '/api/v1/communes/01858/today', { cookie: operator.cookie });
    const mine = today.body.occurrences.find((o: { id: number }) => o.id === occurrenceId);
    expect(mine.confirmations).toEqual([expect.objectContaining({ communeCode: '01858', status: 'heard' })]);
    expect(mine.devices).toHaveLength(2);
    const audit = sys.ctx.database.sqlite.prepare(`SELECT outcome, area_code FROM audit_log WHERE action = 'broadcast.confirm'`).all();
    expect(audit).toEqual([{ outcome: 'ok', area_code: '01858' }]);
    const rates = await sys.http('GET', '/api/v1/areas/060/confirmation-rates', { cookie: district.cookie });
    expect(rates.body.communes.find((c: { communeCode: string }) => c.communeCode === '01858')).toMatchObject({ due: 1, heard: 1, rate: 1 });
    const summary = await sys.http('GET', '/api/v1/areas/060/broadcasts/summary', { cookie: district.cookie });
    expect(summary.body).toMatchObject({ occurrences: 1, confirmed: 1, deviceAirings: { total: 2, finished: 1, interrupted: 1, aired: 2 } });
  });

  it('refuses a problem without a note, an operator of another commune, and a viewer', async () => {
    const url = `/api/v1/communes/01858/occurrences/${occurrenceId}/confirmation`;
    expect((await sys.http('PUT', url, { cookie: operator.cookie, body: { status: 'problem' } })).status).toBe(400);
    const flagged = await sys.http('PUT', url, { cookie: operator.cookie, body: { status: 'problem', note: 'Cụm loa thôn Nà Mò không nghe thấy' } });
    expect(flagged.body).toMatchObject({ status: 'problem', note: 'Cụm loa thôn Nà Mò không nghe thấy' });
    const stranger = await sys.createUser('commune_operator', '01861');
    expect((await sys.http('PUT', url, { cookie: stranger.cookie, body: { status: 'heard' } })).status).toBe(403);
    const viewer = await sys.createUser('viewer', '01858');
    expect((await sys.http('PUT', url, { cookie: viewer.cookie, body: { status: 'heard' } })).status).toBe(403);
    const elsewhere = await sys.http('PUT', `/api/v1/communes/01861/occurrences/${occurrenceId}/confirmation`, { cookie: stranger.cookie, body: { status: 'heard' }, headers: { 'accept-language': 'en' } });
    expect([elsewhere.status, elsewhere.body.code]).toEqual([404, 'occurrence_not_in_commune']);
  });

  it('refuses the occurrence to a reader whose area it neither belongs to nor played in', async () => {
    const elsewhere = await sys.createUser('viewer', '061');
    const res = await sys.http('GET', `/api/v1/occurrences/${occurrenceId}`, { cookie: elsewhere.cookie });
    expect([res.status, res.body.code]).toEqual([403, 'forbidden_scope']);
  });

  it('lists the week for an area and the start-skew figures', async () => {
    const week = await sys.http('GET', '/api/v1/areas/01858/occurrences?days=7', { cookie: operator.cookie });
    expect(week.body.map((o: { id: number }) => o.id)).toContain(occurrenceId);
    const skew = await sys.http('GET', '/api/v1/areas/060/playback-skew', { cookie: district.cookie });
    expect(skew.body).toMatchObject({ count: 2, max: 7 });
  });

  it('reports a cluster that was planned but never reported as failed: device_offline', async () => {
    const silent = await sys.provision('01858');
    const past = Date.now() - 3_600_000;
    sys.ctx.database.sqlite
      .prepare(`INSERT INTO playback_results (device_id, item_id, occurrence_id, item_index, commune_code, planned_start_at, duration_ms, status, updated_at) VALUES (?, ?, ?, 0, '01858', ?, 60000, 'planned', ?)`)
      .run(silent.deviceId, `${occurrenceId}:0`, occurrenceId, past, past);
    expect(await resultOf(silent.deviceId)).toMatchObject({ outcome: 'failed', reason: 'device_offline' });
  });
});
