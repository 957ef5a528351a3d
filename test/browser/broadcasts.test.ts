// The broadcast screens in a real browser (Debian's Chromium) against a real controller and
// broker: the commune operator's day on a 360-px phone (results per cluster, confirm heard, flag a
// problem), a schedule created with the friendly form and seen in the week calendar, a clash
// refused inline with the clashing airing named, and an emergency sent through its confirmation
// step with the clusters' acknowledgements arriving live. Clusters are MQTT.js clients with the
// devices' real credentials (test/broadcast-support.ts). Screenshots land in test-artifacts/.
import { DateTime } from 'luxon';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestItem } from '../../shared/index.js';
import { type FakeAgent, fakeAgent, seedBulletin, waitFor, ZONE } from '../broadcast-support.js';
import { startTestSystem, type TestSystem } from '../system.js';
import { fitsWidth, launchBrowser, openConsole, PHONE, screenshot, signIn, unlabelledControls } from './browser.js';

const poll = <T>(fn: () => Promise<T> | T, timeout = 15_000) => expect.poll(fn, { timeout, interval: 100 });
const soon = (seconds: number) => DateTime.now().setZone(ZONE).plus({ seconds }).toFormat("yyyy-MM-dd'T'HH:mm:ss");

let sys: TestSystem;
let browser: Browser;
let operator: { username: string; password: string; cookie: string };
let district: { username: string; password: string; cookie: string };
const agents: FakeAgent[] = [];
let bulletin: { id: number };
// The commune's own bulletin (the pickers also offer the district's: GET /bulletins?usable=true).
let communeBulletin: { id: number };
// Each cluster numbers its outbox; the scenarios share the clusters, so they share the counters.
// Otherwise every test sets up what it checks, so any one runs alone (`-t`).
const seqs = new Map<string, number>();
const nextSeq = (agent: FakeAgent) => {
  const seq = (seqs.get(agent.deviceId) ?? 0) + 1;
  seqs.set(agent.deviceId, seq);
  return seq;
};

/**
 * A one-off airing on one cluster, started and finished as that cluster reports it: a test's own
 * proof of play (so each test can run alone with -t). Another test's airing on the cluster may
 * hold the next seconds: the airing then goes right after the clash the API names.
 */
async function airedOn(agent: FakeAgent, title: string, bulletinId: number, cookie: string): Promise<ManifestItem> {
  let at = soon(2);
  let res = await sys.http('POST', '/api/v1/schedules', { cookie, body: { title, timing: { kind: 'once', at }, bulletinIds: [bulletinId], targets: { devices: [agent.deviceId] } } });
  if (res.status === 409) {
    const after = Math.max(...(res.body.details.clashes as { endAt: number }[]).map((c) => c.endAt)) + 1_000;
    at = DateTime.fromMillis(Math.max(after, Date.now() + 2_000), { zone: ZONE }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
    res = await sys.http('POST', '/api/v1/schedules', { cookie, body: { title, timing: { kind: 'once', at }, bulletinIds: [bulletinId], targets: { devices: [agent.deviceId] } } });
  }
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const scheduleId = String(res.body.schedule.id);
  await sys.ctx.broadcasts.manifests.whenIdle();
  await waitFor(() => expect(agent.lastManifest()?.items.some((i) => String(i.scheduleId) === scheduleId)).toBe(true));
  const item = agent.lastManifest()!.items.find((i) => String(i.scheduleId) === scheduleId) as ManifestItem;
  await waitFor(() => expect(Date.now()).toBeGreaterThan(item.startAt), 40_000);
  const started = nextSeq(agent);
  const finished = nextSeq(agent);
  await agent.sendEvents([
    { seq: started, type: 'play_started', itemId: item.id, occurrenceId: item.occurrenceId, scheduledAt: item.startAt, class: 'normal' },
    { seq: finished, type: 'play_finished', itemId: item.id, occurrenceId: item.occurrenceId },
  ]);
  await waitFor(() => expect(agent.acks).toContain(finished));
  return item;
}

beforeAll(async () => {
  [sys, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
  operator = await sys.createUser('commune_operator', '01858', 'xa.bangthanh');
  district = await sys.createUser('district_staff', '060', 'huyen.pacnam');
  agents.push(await fakeAgent(sys, await sys.provision('01858', 'Cụm loa thôn Nà Mò'), ['01858', '060']));
  agents.push(await fakeAgent(sys, await sys.provision('01858', 'Cụm loa chợ Bằng Thành'), ['01858', '060']));
  bulletin = await seedBulletin(sys, { ownerAreaCode: '060', title: 'Bản tin huyện Pác Nặm', durationMs: 30_000 });
  communeBulletin = await seedBulletin(sys, { ownerAreaCode: '01858', title: 'Bản tin xã Bằng Thành', durationMs: 20_000 });
}, 60_000);
afterAll(async () => {
  for (const agent of agents) await agent.close();
  await browser?.close();
  await sys?.close();
});

describe('the broadcast screens', () => {
  it("lets a commune operator confirm the day's broadcast and flag a problem from a 360-px phone", async () => {
    const res = await sys.http('POST', '/api/v1/schedules', { cookie: operator.cookie, body: { title: 'Tin trưa xã', timing: { kind: 'once', at: soon(2) }, bulletinIds: [bulletin.id], targets: { areas: ['01858'] } } });
    expect(res.status).toBe(201);
    await sys.ctx.broadcasts.manifests.whenIdle();
    const [a, b] = agents as [FakeAgent, FakeAgent];
    await waitFor(() => expect(a.lastManifest()?.items.length).toBe(1));
    await waitFor(() => expect(b.lastManifest()?.items.length).toBe(1));
    const itemA = a.lastManifest()!.items[0] as ManifestItem;
    const itemB = b.lastManifest()!.items[0] as ManifestItem;
    // The airing must have started before the commune may confirm it.
    await waitFor(() => expect(Date.now()).toBeGreaterThan(itemA.startAt), 5_000);
    const seqA = nextSeq(a);
    const seqB = nextSeq(b);
    await a.sendEvents([{ seq: seqA, type: 'play_started', itemId: itemA.id, occurrenceId: itemA.occurrenceId, scheduledAt: itemA.startAt, class: 'normal' }]);
    await b.sendEvents([{ seq: seqB, type: 'play_failed', itemId: itemB.id, occurrenceId: itemB.occurrenceId, reason: 'media_missing' }]);
    await waitFor(() => expect(a.acks).toContain(seqA));
    await waitFor(() => expect(b.acks).toContain(seqB));

    const { page, context, errors } = await openConsole(browser, `${sys.httpUrl}/#/today`, PHONE);
    await signIn(page, operator.username, operator.password);
    await poll(() => page.locator('main h1').textContent()).toBe('Buổi phát hôm nay');
    const card = page.locator(`[data-occurrence="${itemA.occurrenceId}"]`);
    await poll(() => card.locator(`[data-device="${a.deviceId}"] [data-outcome]`).getAttribute('data-outcome')).toBe('playing');
    expect(await card.locator(`[data-device="${b.deviceId}"]`).textContent()).toContain('thiếu tệp âm thanh');
    expect(await card.textContent()).toContain('Tin trưa xã');
    expect(await card.getByTestId('confirmation-state').textContent()).toContain('Xã chưa xác nhận');
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'today-phone');

    await card.getByRole('button', { name: 'Đã nghe rõ' }).click();
    await poll(() => card.locator('[data-confirmation]').getAttribute('data-confirmation')).toBe('heard');
    // A problem needs a note: the send button stays disabled until one is written.
    await card.getByRole('button', { name: 'Báo sự cố' }).click();
    const send = card.getByRole('button', { name: 'Gửi báo cáo sự cố' });
    expect(await send.isDisabled()).toBe(true);
    await card.getByLabel('Sự cố là gì?').fill('Cụm loa chợ không nghe thấy');
    await send.click();
    await poll(() => card.locator('[data-confirmation]').getAttribute('data-confirmation')).toBe('problem');
    expect(await card.getByTestId('confirmation-state').textContent()).toContain('Cụm loa chợ không nghe thấy');
    expect(await unlabelledControls(page)).toEqual([]);
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'today-phone-flagged');

    const stored = sys.ctx.database.sqlite.prepare('SELECT status, note FROM confirmations WHERE occurrence_id = ?').all(Number(itemA.occurrenceId));
    expect(stored).toEqual([{ status: 'problem', note: 'Cụm loa chợ không nghe thấy' }]);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('sends an emergency only after the deliberate confirmation, then shows the clusters acknowledging and starting live', async () => {
    const { page, context, errors } = await openConsole(browser, `${sys.httpUrl}/#/emergency`);
    await signIn(page, district.username, district.password);
    await poll(() => page.locator('main h1').textContent()).toBe('Phát khẩn cấp');
    await page.getByLabel('Tiêu đề').fill('Cảnh báo lũ quét');
    await page.getByLabel('Địa bàn').selectOption('01858');
    await page.getByRole('button', { name: 'Thêm', exact: true }).click();
    await page.getByLabel('Bản tin', { exact: true }).selectOption(String(bulletin.id));
    expect(await unlabelledControls(page)).toEqual([]);
    await page.getByRole('button', { name: 'Tiếp tục: kiểm tra trước khi phát' }).click();

    const confirm = page.getByTestId('emergency-confirm');
    expect(await confirm.textContent()).toContain('Xã Bằng Thành');
    const sendNow = confirm.getByRole('button', { name: 'Phát khẩn cấp ngay' });
    expect(await sendNow.isDisabled()).toBe(true);
    expect(agents.every((agent) => agent.commands.length === 0)).toBe(true);
    await screenshot(page, 'emergency-confirm');
    await confirm.getByRole('checkbox').check();
    await sendNow.click();

    await page.waitForURL(/#\/emergency\/[^/]+$/);
    const id = decodeURIComponent(page.url().split('/').pop()!);
    const table = page.getByTestId('emergency-devices');
    await poll(() => table.locator('tbody tr').count()).toBe(2);
    expect(await page.locator('[data-count=targeted]').textContent()).toBe('2');
    // The clusters got the command on the area topic; their answers arrive over the stream.
    for (const agent of agents) await waitFor(() => expect(agent.commands.some((c) => c.payload.id === id)).toBe(true));
    const [a, b] = agents as [FakeAgent, FakeAgent];
    await a.result(id);
    await a.sendEvents([{ seq: nextSeq(a), type: 'play_started', emergencyId: id, commandId: id, class: 'emergency' }]);
    await b.result(id, 'rejected', 'power_failed');
    await poll(() => table.locator(`tr[data-device="${a.deviceId}"]`).getAttribute('data-started')).toBe('true');
    expect(await table.locator(`tr[data-device="${a.deviceId}"]`).getAttribute('data-ack')).toBe('ok');
    await poll(() => table.locator(`tr[data-device="${b.deviceId}"]`).getAttribute('data-ack')).toBe('rejected');
    expect(await table.locator(`tr[data-device="${b.deviceId}"]`).textContent()).toContain('không bật được bộ khuếch đại');
    await poll(() => page.locator('[data-count=playing]').textContent()).toBe('1');
    await screenshot(page, 'emergency-live');

    await page.getByRole('button', { name: 'Dừng phát khẩn cấp' }).click();
    await poll(() => page.locator('.page-header [data-status]').getAttribute('data-status')).toBe('stopped');
    await page.getByRole('link', { name: 'Về danh sách phát khẩn cấp' }).click();
    await poll(() => page.locator(`[data-testid=emergency-list] tr[data-emergency="${id}"]`).textContent()).toContain('Cảnh báo lũ quét');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('creates a weekly schedule with the friendly form, shows it in the week calendar, and refuses a clash inline naming it', async () => {
    const { page, context, errors } = await openConsole(browser, `${sys.httpUrl}/#/schedules/new`);
    await signIn(page, district.username, district.password);
    await poll(() => page.locator('main h1').textContent()).toBe('Lập lịch phát mới');
    await page.getByLabel('Tên chương trình').fill('Chương trình sáng');
    // Every day (the default) at 06:15.
    await page.getByLabel('Giờ phát 1').fill('06:15');
    await page.getByLabel('Thêm bản tin').selectOption(String(bulletin.id));
    await page.getByRole('button', { name: 'Thêm', exact: true }).first().click();
    await page.getByLabel('Địa bàn').selectOption('01858');
    await page.locator('.area-picker').getByRole('button', { name: 'Thêm', exact: true }).click();
    // A single cluster as well (it lies in the commune: it plays once, not twice).
    await page.getByLabel('Cụm loa riêng lẻ').selectOption(agents[0]!.deviceId);
    await page.getByRole('button', { name: 'Thêm', exact: true }).last().click();
    expect(await page.getByTestId('playlist').textContent()).toContain('Bản tin huyện Pác Nặm');
    expect(await unlabelledControls(page)).toEqual([]);
    await screenshot(page, 'schedule-form');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await poll(() => page.getByTestId('schedule-saved').textContent()).toContain('Chương trình sáng');
    const created = sys.ctx.database.sqlite.prepare('SELECT id, timing FROM schedules WHERE title = ?').get('Chương trình sáng') as { id: number; timing: string };
    expect(JSON.parse(created.timing)).toMatchObject({ kind: 'weekly', daysOfWeek: [1, 2, 3, 4, 5, 6, 7], times: ['06:15'] });
    const stored = await sys.http('GET', `/api/v1/schedules/${created.id}`, { cookie: district.cookie });
    expect(stored.body).toMatchObject({ class: 'normal', bulletinIds: [bulletin.id], targets: { areas: ['01858'], groups: [], devices: [agents[0]!.deviceId] } });

    // Tomorrow's airing in the week calendar (the week that holds tomorrow).
    const tomorrow = DateTime.now().setZone(ZONE).plus({ days: 1 }).toISODate()!;
    await page.goto(`${sys.httpUrl}/#/schedules?commune=01858&week=${tomorrow}`);
    const day = page.locator(`[data-testid=week-calendar] [data-day="${tomorrow}"]`);
    await poll(() => day.locator(`[data-schedule="${created.id}"]`).textContent()).toContain('06:15');
    expect(await day.locator(`[data-schedule="${created.id}"]`).textContent()).toContain('Chương trình sáng');
    await screenshot(page, 'schedules-week');

    // A one-off of the same class at the same time on the same clusters: refused, the clash named.
    await page.goto(`${sys.httpUrl}/#/schedules/new`);
    await page.getByLabel('Tên chương trình').fill('Tin đột xuất');
    await page.getByLabel('Một lần').check();
    await page.getByLabel('Ngày giờ phát').fill(`${tomorrow}T06:15`);
    await page.getByLabel('Thêm bản tin').selectOption(String(bulletin.id));
    await page.getByRole('button', { name: 'Thêm', exact: true }).first().click();
    await page.getByLabel('Địa bàn').selectOption('01858');
    await page.locator('.area-picker').getByRole('button', { name: 'Thêm', exact: true }).click();
    await page.getByRole('button', { name: 'Lưu' }).click();
    const clashes = page.getByTestId('clashes');
    await poll(() => clashes.textContent()).toContain('Chương trình sáng');
    expect(await clashes.textContent()).toContain('Trùng giờ');
    expect(await page.getByTestId('schedule-form').isVisible()).toBe(true);
    await screenshot(page, 'schedule-conflict');
    expect((sys.ctx.database.sqlite.prepare('SELECT COUNT(*) AS n FROM schedules WHERE title = ?').get('Tin đột xuất') as { n: number }).n).toBe(0);

    // The calendar on a phone: days stacked, nothing wider than the screen.
    const phone = await openConsole(browser, `${sys.httpUrl}/#/schedules?week=${tomorrow}`, PHONE);
    await signIn(phone.page, operator.username, operator.password);
    await poll(() => phone.page.locator(`[data-day="${tomorrow}"] [data-schedule="${created.id}"]`).count()).toBe(1);
    expect(await fitsWidth(phone.page)).toBe(true);
    await screenshot(phone.page, 'schedules-week-phone');
    // A district-wide programme, opened by the commune: read, not changed (its owner is the district).
    const districtWide = await sys.http('POST', '/api/v1/schedules', { cookie: district.cookie, body: { title: 'Chương trình huyện', timing: { kind: 'weekly', daysOfWeek: [1, 2, 3, 4, 5], times: ['19:00'] }, bulletinIds: [bulletin.id], targets: { areas: ['060'] } } });
    expect(districtWide.status).toBe(201);
    await phone.page.goto(`${sys.httpUrl}/#/schedules/${districtWide.body.schedule.id}`);
    await poll(() => phone.page.getByTestId('schedule-facts').textContent()).toContain('Huyện Pác Nặm');
    expect(await phone.page.getByTestId('schedule-facts').textContent()).toContain('T2, T3, T4, T5, T6 · 19:00');
    expect(await phone.page.getByTestId('schedule-form').count()).toBe(0);
    expect(errors).toEqual([]);
    expect(phone.errors).toEqual([]);
    await phone.context.close();
    await context.close();
  }, 60_000);

  it("controls a cluster from its page and shows each command's result as the cluster answers", async () => {
    const [a] = agents as [FakeAgent];
    const commandsOf = (op: string) => a.commands.filter((c) => c.payload.op === op && c.topic.endsWith(`${a.deviceId}/cmd`));
    const { page, context, errors } = await openConsole(browser, `${sys.httpUrl}/#/devices/${a.deviceId}`, PHONE);
    await signIn(page, operator.username, operator.password);
    await poll(() => page.locator('main h1').textContent()).toBe('Cụm loa thôn Nà Mò');
    const list = page.getByTestId('command-list');

    await page.getByLabel('Âm lượng (0–100)').fill('35');
    await page.getByRole('button', { name: 'Đặt âm lượng' }).click();
    await waitFor(() => expect(commandsOf('volume')).toHaveLength(1));
    const volume = commandsOf('volume')[0]!.payload;
    expect(volume.params).toEqual({ level: 35 });
    await poll(() => list.locator(`tr[data-command="${volume.id}"]`).getAttribute('data-status')).toBe('pending');
    await a.result(volume.id);
    await poll(() => list.locator(`tr[data-command="${volume.id}"]`).getAttribute('data-status')).toBe('ok');

    // The commune may put its district's bulletin on air too, so the picker offers it.
    await poll(() => page.getByLabel('Phát ngay bản tin').locator('option').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('Bản tin huyện Pác Nặm'), expect.stringContaining('Bản tin xã Bằng Thành')]),
    );
    await page.getByLabel('Phát ngay bản tin').selectOption(String(communeBulletin.id));
    await page.getByRole('button', { name: 'Phát ngay', exact: true }).click();
    await waitFor(() => expect(commandsOf('play')).toHaveLength(1));
    const play = commandsOf('play')[0]!.payload;
    await a.result(play.id, 'error', 'media_missing');
    await poll(() => list.locator(`tr[data-command="${play.id}"]`).getAttribute('data-status')).toBe('error');
    expect(await list.locator(`tr[data-command="${play.id}"]`).textContent()).toContain('thiếu tệp âm thanh');

    await page.getByRole('button', { name: 'Tắt bộ khuếch đại' }).click();
    await waitFor(() => expect(commandsOf('power').map((c) => c.payload.params)).toEqual([{ state: 'off' }]));
    // Proof of play: an airing this cluster reports while the page is open appears without a reload.
    const aired = await airedOn(a, 'Tin kiểm tra cụm loa', communeBulletin.id, operator.cookie);
    const airing = page.locator(`[data-testid=device-airings] li[data-occurrence="${aired.occurrenceId}"]`);
    await poll(() => airing.getAttribute('data-outcome')).toBe('finished');
    expect(await airing.textContent()).toContain('Tin kiểm tra cụm loa');
    expect(await airing.textContent()).toContain('phát lúc');
    expect(await unlabelledControls(page)).toEqual([]);
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'device-controls-phone');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('lets a commune operator decide the order of overlapping priority airings (Circular 39)', async () => {
    const at = `${DateTime.now().setZone(ZONE).plus({ days: 1 }).toISODate()}T07:00`;
    const ids: number[] = [];
    for (const title of ['Thông báo tiêm chủng', 'Thông báo phòng cháy']) {
      const res = await sys.http('POST', '/api/v1/schedules', { cookie: operator.cookie, body: { title, class: 'priority', timing: { kind: 'once', at }, bulletinIds: [communeBulletin.id], targets: { areas: ['01858'] } } });
      expect(res.status).toBe(201);
      ids.push(res.body.schedule.id);
    }
    const { page, context, errors } = await openConsole(browser, `${sys.httpUrl}/#/schedules`, PHONE);
    await signIn(page, operator.username, operator.password);
    const clash = page.getByTestId('priority-clash');
    await poll(() => clash.locator('li[data-occurrence] strong').allTextContents()).toEqual(['Thông báo tiêm chủng', 'Thông báo phòng cháy']);
    await clash.getByRole('button', { name: 'Chuyển "Thông báo tiêm chủng" xuống sau' }).click();
    await clash.getByRole('button', { name: 'Lưu thứ tự' }).click();
    await poll(() => clash.textContent()).toContain('Xã đã quyết định thứ tự');
    const decided = await sys.http('GET', '/api/v1/communes/01858/priority-clashes', { cookie: operator.cookie });
    expect(decided.body[0].decided).toBe(true);
    expect(decided.body[0].occurrences.map((o: { title: string }) => o.title)).toEqual(['Thông báo phòng cháy', 'Thông báo tiêm chủng']);
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'priority-order-phone');
    expect(errors).toEqual([]);
    await context.close();
    for (const id of ids) expect((await sys.http('DELETE', `/api/v1/schedules/${id}`, { cookie: operator.cookie })).status).toBe(200);
  }, 60_000);

  it('fits the emergency and schedule forms on a 360-px phone, in English too', async () => {
    const { page, context, errors } = await openConsole(browser, `${sys.httpUrl}/#/emergency`, PHONE);
    await signIn(page, district.username, district.password);
    await poll(() => page.locator('main h1').textContent()).toBe('Phát khẩn cấp');
    await page.getByLabel('Bản tin', { exact: true }).selectOption(String(bulletin.id));
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'emergency-phone');
    await page.goto(`${sys.httpUrl}/#/schedules/new`);
    await page.getByRole('button', { name: 'EN' }).click();
    await poll(() => page.locator('main h1').textContent()).toBe('New schedule');
    await page.getByLabel('Advanced (cron expression)').check();
    expect(await page.getByLabel('Cron expression', { exact: true }).isVisible()).toBe(true);
    expect(await unlabelledControls(page)).toEqual([]);
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'schedule-form-phone-en');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
