// The overview's "today's broadcasts" in a real browser: a district officer has the overview
// open while a commune airing is played by two clusters (MQTT.js clients with real device
// credentials); the counts move without a reload as the clusters report (the `airing` live
// event) and as the commune confirms it.
import { DateTime } from 'luxon';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestItem } from '../../shared/index.js';
import { type FakeAgent, fakeAgent, seedBulletin, waitFor, ZONE } from '../broadcast-support.js';
import { startTestSystem, type TestSystem } from '../system.js';
import { launchBrowser, openConsole, screenshot, signIn } from './browser.js';

const poll = <T>(fn: () => Promise<T> | T, timeout = 15_000) => expect.poll(fn, { timeout, interval: 100 });

let sys: TestSystem;
let browser: Browser;
const agents: FakeAgent[] = [];

beforeAll(async () => {
  [sys, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
}, 60_000);
afterAll(async () => {
  for (const agent of agents) await agent.close();
  await browser?.close();
  await sys?.close();
});

describe("the overview's broadcasts of the day", () => {
  it('counts planned, aired, failed and confirmed airings of the area, live', async () => {
    const operator = await sys.createUser('commune_operator', '01858', 'xa.bangthanh');
    const district = await sys.createUser('district_staff', '060', 'huyen.pacnam');
    agents.push(await fakeAgent(sys, await sys.provision('01858', 'Cụm loa thôn Nà Mò'), ['01858', '060']));
    agents.push(await fakeAgent(sys, await sys.provision('01858', 'Cụm loa chợ Bằng Thành'), ['01858', '060']));
    const [a, b] = agents as [FakeAgent, FakeAgent];
    const bulletin = await seedBulletin(sys, { ownerAreaCode: '01858', title: 'Bản tin xã Bằng Thành', durationMs: 20_000 });
    const at = DateTime.now().setZone(ZONE).plus({ seconds: 2 }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
    const res = await sys.http('POST', '/api/v1/schedules', { cookie: operator.cookie, body: { title: 'Tin trưa xã', timing: { kind: 'once', at }, bulletinIds: [bulletin.id], targets: { areas: ['01858'] } } });
    expect(res.status).toBe(201);
    await sys.ctx.broadcasts.manifests.whenIdle();
    await waitFor(() => expect(a.lastManifest()?.items.length).toBe(1));
    await waitFor(() => expect(b.lastManifest()?.items.length).toBe(1));
    const itemA = a.lastManifest()!.items[0] as ManifestItem;
    const itemB = b.lastManifest()!.items[0] as ManifestItem;

    const { page, context, errors } = await openConsole(browser, `${sys.httpUrl}/#/`);
    await signIn(page, district.username, district.password);
    const section = page.getByTestId('overview-broadcasts');
    const count = (name: string) => section.locator(`[data-count=${name}]`).textContent();
    await poll(() => count('planned')).toBe('2');
    expect(await count('aired')).toBe('0');
    expect(await count('confirmed')).toBe('0 / 1');

    // The clusters report; the open overview follows without a reload.
    await waitFor(() => expect(Date.now()).toBeGreaterThan(itemA.startAt), 5_000);
    await a.sendEvents([
      { seq: 1, type: 'play_started', itemId: itemA.id, occurrenceId: itemA.occurrenceId, scheduledAt: itemA.startAt, class: 'normal' },
      { seq: 2, type: 'play_finished', itemId: itemA.id, occurrenceId: itemA.occurrenceId },
    ]);
    await b.sendEvents([{ seq: 1, type: 'play_failed', itemId: itemB.id, occurrenceId: itemB.occurrenceId, reason: 'media_missing' }]);
    await poll(() => count('aired')).toBe('1');
    await poll(() => count('failed')).toBe('1');

    const confirmed = await sys.http('PUT', `/api/v1/communes/01858/occurrences/${itemA.occurrenceId}/confirmation`, { cookie: operator.cookie, body: { status: 'heard' } });
    expect(confirmed.status).toBe(200);
    await poll(() => count('confirmed')).toBe('1 / 1');
    expect(await count('flagged')).toBe('0');
    await screenshot(page, 'overview-broadcasts');

    await page.getByRole('link', { name: 'Xem buổi phát trong ngày' }).click();
    await poll(() => page.locator('main h1').textContent()).toBe('Buổi phát hôm nay');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
