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

beforeAll(async () => {
  [sys, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
  operator = await sys.createUser('commune_operator', '01858', 'xa.bangthanh');
  district = await sys.createUser('district_staff', '060', 'huyen.pacnam');
  agents.push(await fakeAgent(sys, await sys.provision('01858', 'Cụm loa thôn Nà Mò'), ['01858', '060']));
  agents.push(await fakeAgent(sys, await sys.provision('01858', 'Cụm loa chợ Bằng Thành'), ['01858', '060']));
  bulletin = await seedBulletin(sys, { ownerAreaCode: '060', title: 'Bản tin huyện Pác Nặm', durationMs: 30_000 });
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
    await a.sendEvents([{ seq: 1, type: 'play_started', itemId: itemA.id, occurrenceId: itemA.occurrenceId, scheduledAt: itemA.startAt, class: 'normal' }]);
    await b.sendEvents([{ seq: 1, type: 'play_failed', itemId: itemB.id, occurrenceId: itemB.occurrenceId, reason: 'media_missing' }]);
    await waitFor(() => expect(a.acks).toContain(1));
    await waitFor(() => expect(b.acks).toContain(1));

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
});
