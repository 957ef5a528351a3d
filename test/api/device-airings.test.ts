// GET /devices/:id/airings — one cluster's proof of play: each scheduled airing planned in the
// window with what the cluster reported (aired, failed and why, still planned), scoped like every
// read of a cluster (a neighbour commune is refused), bad windows refused with a 400.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestItem } from '../../shared/index.js';
import { type FakeAgent, fakeAgent, localAt, seedBulletin, waitFor, ZONE } from '../broadcast-support.js';
import { startTestSystem, type TestSystem } from '../system.js';

const DAY = 86_400_000;
let sys: TestSystem;
let operator: { cookie: string };
let neighbour: { cookie: string };
let a: FakeAgent;
let b: FakeAgent;
let item: ManifestItem;
let tomorrowId: number;

const soon = (seconds: number) => DateTime.now().setZone(ZONE).plus({ seconds }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
const airings = (deviceId: string, cookie = operator.cookie, query = '') => sys.http('GET', `/api/v1/devices/${deviceId}/airings${query}`, { cookie, headers: { 'accept-language': 'en' } });

beforeAll(async () => {
  sys = await startTestSystem();
  operator = await sys.createUser('commune_operator', '01858');
  neighbour = await sys.createUser('commune_operator', '01861');
  a = await fakeAgent(sys, await sys.provision('01858', 'Cụm A'));
  b = await fakeAgent(sys, await sys.provision('01858', 'Cụm B'));
  const bulletin = await seedBulletin(sys, { ownerAreaCode: '01858', durationMs: 20_000 });
  const now = await sys.http('POST', '/api/v1/schedules', { cookie: operator.cookie, body: { title: 'Tin trưa', timing: { kind: 'once', at: soon(2) }, bulletinIds: [bulletin.id], targets: { areas: ['01858'] } } });
  expect(now.status).toBe(201);
  const later = await sys.http('POST', '/api/v1/schedules', { cookie: operator.cookie, body: { title: 'Tin sáng mai', timing: { kind: 'once', at: localAt(1, '06:30') }, bulletinIds: [bulletin.id], targets: { devices: [a.deviceId] } } });
  expect(later.status).toBe(201);
  await sys.ctx.broadcasts.manifests.whenIdle();
  await waitFor(() => expect(a.lastManifest()?.items.length).toBe(2));
  await waitFor(() => expect(b.lastManifest()?.items.length).toBe(1));
  const items = [...a.lastManifest()!.items].sort((x, y) => x.startAt - y.startAt) as ManifestItem[];
  item = items[0]!;
  tomorrowId = Number(items[1]!.occurrenceId);
  const itemB = b.lastManifest()!.items[0] as ManifestItem;
  await waitFor(() => expect(Date.now()).toBeGreaterThan(item.startAt), 5_000);
  await a.sendEvents([
    { seq: 1, type: 'play_started', itemId: item.id, occurrenceId: item.occurrenceId, scheduledAt: item.startAt, class: 'normal' },
    { seq: 2, type: 'play_finished', itemId: item.id, occurrenceId: item.occurrenceId },
  ]);
  await b.sendEvents([{ seq: 1, type: 'play_failed', itemId: itemB.id, occurrenceId: itemB.occurrenceId, reason: 'media_missing' }]);
  await waitFor(() => expect(a.acks).toContain(2));
  await waitFor(() => expect(b.acks).toContain(1));
}, 60_000);
afterAll(async () => {
  await a?.close();
  await b?.close();
  await sys?.close();
});

describe("a cluster's proof of play", () => {
  it('lists what the cluster aired today, with its own times, and nothing of another cluster', async () => {
    const res = await airings(a.deviceId);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    const [airing] = res.body;
    expect(airing).toMatchObject({ occurrenceId: Number(item.occurrenceId), title: 'Tin trưa', class: 'normal', deviceId: a.deviceId, outcome: 'finished', reason: null, plannedStartAt: item.startAt });
    expect(airing.startedAt).toBeGreaterThanOrEqual(item.startAt - 5_000);
    expect(airing.endedAt).toBeGreaterThanOrEqual(airing.startedAt);
    expect(airing.items).toEqual([expect.objectContaining({ index: 0, status: 'finished', plannedStartAt: item.startAt, durationMs: 20_000 })]);
  });

  it('gives a failure with its reason', async () => {
    const res = await airings(b.deviceId);
    expect(res.body.map((x: { title: string; outcome: string; reason: string }) => [x.title, x.outcome, x.reason])).toEqual([['Tin trưa', 'failed', 'media_missing']]);
  });

  it('shows airings still to come when the window holds them', async () => {
    const from = Date.now() - DAY;
    const res = await airings(a.deviceId, operator.cookie, `?from=${from}&to=${from + 3 * DAY}`);
    expect(res.body.map((x: { title: string; outcome: string }) => [x.title, x.outcome])).toEqual([
      ['Tin trưa', 'finished'],
      ['Tin sáng mai', 'planned'],
    ]);
    expect(res.body[1].occurrenceId).toBe(tomorrowId);
    // The default window (yesterday and today) does not.
    expect((await airings(a.deviceId)).body.map((x: { occurrenceId: number }) => x.occurrenceId)).not.toContain(tomorrowId);
  });

  it("refuses another commune's operator, an unknown cluster and a bad window", async () => {
    const refused = await airings(a.deviceId, neighbour.cookie);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('forbidden_scope');
    expect((await airings('no-such-cluster')).status).toBe(404);
    const now = Date.now();
    expect((await airings(a.deviceId, operator.cookie, `?from=${now}&to=${now - 1}`)).status).toBe(400);
    expect((await airings(a.deviceId, operator.cookie, `?from=${now}&to=${now + 40 * DAY}`)).status).toBe(400);
    expect((await airings(a.deviceId, operator.cookie, '?from=yesterday')).status).toBe(400);
  });
});
