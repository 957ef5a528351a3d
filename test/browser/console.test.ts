// The web console in a real browser (Debian's Chromium) against a real controller, broker and
// agent: sign-in, the overview of Bắc Kạn, a cluster coming online live, scope (a commune
// operator sees only their commune, in the console and the API), a 360-px phone, the language
// switch, and the province's own pages. Screenshots land in test-artifacts/screenshots/.
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningAgent, startAgent } from '../../controller/live/test-support.js';
import { ADMIN_PASSWORD, startTestSystem, type TestSystem } from '../system.js';
import { fitsWidth, launchBrowser, openConsole, PHONE, screenshot, signIn, submitSignIn, unlabelledControls } from './browser.js';

/** Waits for the console to catch up (a real browser on a busy 2-core machine). */
const poll = <T>(fn: () => Promise<T> | T, timeout = 15_000) => expect.poll(fn, { timeout, interval: 100 });

const DISTRICTS = ['Thành phố Bắc Kạn', 'Huyện Pác Nặm', 'Huyện Ba Bể', 'Huyện Ngân Sơn', 'Huyện Bạch Thông', 'Huyện Chợ Đồn', 'Huyện Chợ Mới', 'Huyện Na Rì'];

let sys: TestSystem;
let browser: Browser;
let district: { username: string; password: string };
let operator: { username: string; password: string };
let inBangThanh: Awaited<ReturnType<TestSystem['provision']>>;
let inNhanMon: Awaited<ReturnType<TestSystem['provision']>>;
const agents: RunningAgent[] = [];

beforeAll(async () => {
  [sys, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
  district = await sys.createUser('district_staff', '060', 'huyen.pacnam');
  operator = await sys.createUser('commune_operator', '01858', 'xa.bangthanh');
  inBangThanh = await sys.provision('01858', 'Cụm loa thôn Nà Mò');
  inNhanMon = await sys.provision('01861', 'Cụm loa trung tâm Nhạn Môn');
  await sys.http('PATCH', `/api/v1/devices/${inBangThanh.deviceId}`, { cookie: await sys.adminCookie(), body: { lat: 22.2106, lon: 105.7412 } });
  await withHistory();
}, 60_000);

/**
 * A month of history outside Pác Nặm, so the overview has something to show: one cluster per
 * district, provisioned 40 days ago, with 30 days of rollups at a district-specific uptime; Na
 * Rì's cluster last heard from three hours ago (a silent station).
 */
async function withHistory(): Promise<void> {
  const now = Date.now();
  const uptime: Record<string, [string, number]> = { '058': ['01846', 0.99], '061': ['01888', 0.97], '062': ['01936', 0.95], '063': ['01969', 0.9], '064': ['02020', 0.98], '065': ['02086', 0.93], '066': ['02137', 0.72] };
  const db = sys.ctx.database.sqlite;
  const daily = db.prepare('INSERT INTO device_daily (device_id, day, online_s, heartbeats) VALUES (?, ?, ?, ?)');
  for (const [districtCode, [communeCode, ratio]] of Object.entries(uptime)) {
    const { deviceId } = await sys.provision(communeCode, 'Cụm loa trung tâm');
    const lastSeen = districtCode === '066' ? now - 3 * 3_600_000 : now - 60_000;
    db.prepare('UPDATE devices SET created_at = ?, last_seen_at = ? WHERE id = ?').run(now - 40 * 86_400_000, lastSeen, deviceId);
    for (let i = 1; i <= 30; i++) {
      const day = new Date(now - i * 86_400_000).toLocaleDateString('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' });
      daily.run(deviceId, day, Math.round(86_400 * ratio), 2880);
    }
  }
}
afterAll(async () => {
  for (const agent of agents) await agent.stop();
  await browser?.close();
  await sys?.close();
});

describe('the web console', () => {
  it("signs in and shows the overview: Bắc Kạn's districts and the progress chart with its target line", async () => {
    const { page, context, errors } = await openConsole(browser, sys.httpUrl);
    await poll(() => page.locator('h1').textContent()).toBe('Đăng nhập');
    await screenshot(page, 'sign-in');
    await submitSignIn(page, 'admin', 'not-the-password');
    await poll(() => page.getByRole('alert').textContent()).toContain('Sai tên đăng nhập hoặc mật khẩu');
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await poll(() => page.locator('main h1').textContent()).toBe('Tổng quan');

    const chart = page.getByTestId('progress-chart');
    await chart.waitFor();
    const rows = chart.locator('li.pc-row');
    expect(await rows.locator('.pc-label').allTextContents()).toEqual([...DISTRICTS, 'Tổng']);
    expect(await rows.last().locator('.pc-value').textContent()).toBe('8/108 xã · 7%');
    expect(await chart.locator('.pc-target-label').textContent()).toBe('Đích 100%');
    expect(await page.getByTestId('kpi-smart').locator('.kpi-value').textContent()).toBe('7%');
    expect(await page.getByTestId('district-table').locator('tbody tr').count()).toBe(8);
    // A month of rollups: Na Rì at 72%, and its station silent for three hours.
    expect(await page.locator('[data-testid=district-table] tr[data-district="066"] .meter-value').textContent()).toBe('72,0%');
    expect(await page.getByTestId('silent-list').textContent()).toContain('Xã Văn Vũ');
    await poll(() => page.locator('.live-pill').getAttribute('class')).toContain('on');
    expect(await unlabelledControls(page)).toEqual([]);
    // Keyboard: the first Tab lands on the skip link, which takes focus to the main content.
    await page.reload();
    await page.getByTestId('progress-chart').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement.textContent)).toBe('Bỏ qua, đến nội dung chính');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement.id)).toBe('main');
    await screenshot(page, 'overview');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('shows a cluster coming online and going offline live, without reloading the page', async () => {
    const { page, context, errors } = await openConsole(browser, `${sys.httpUrl}/#/devices`);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    const row = page.locator(`tr[data-device="${inBangThanh.deviceId}"]`);
    await poll(() => row.locator('[data-online]').getAttribute('data-online')).toBe('false');
    await page.evaluate(() => {
      (globalThis as any).stillTheSamePage = true;
    });

    const agent = await startAgent(sys, inBangThanh);
    agents.push(agent);
    await poll(() => row.locator('[data-online]').getAttribute('data-online')).toBe('true');
    await poll(() => page.getByTestId('live-announcer').textContent()).toContain('Cụm loa thôn Nà Mò');
    await screenshot(page, 'devices');

    // The device page, once a few heartbeats have landed.
    await vi.waitFor(() => expect((sys.ctx.database.sqlite.prepare('SELECT COUNT(*) AS n FROM heartbeats WHERE device_id = ?').get(inBangThanh.deviceId) as { n: number }).n).toBeGreaterThanOrEqual(2), { timeout: 10_000 });
    await page.goto(`${sys.httpUrl}/#/devices/${inBangThanh.deviceId}`);
    await poll(() => page.getByTestId('device-state').textContent()).toContain('Trực tuyến');
    expect(await page.getByTestId('heartbeats').locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    await screenshot(page, 'device');

    // The overview counts the cluster, and drops it the moment its agent stops.
    await page.goto(`${sys.httpUrl}/#/`);
    const pacNam = page.locator('[data-testid=district-table] tr[data-district="060"] [data-testid=devices-online]');
    await poll(() => pacNam.textContent()).toBe('1 / 2');
    await agent.stop();
    agents.splice(agents.indexOf(agent), 1);
    await poll(() => pacNam.textContent()).toBe('0 / 2');
    expect(await page.evaluate(() => (globalThis as any).stillTheSamePage)).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('keeps a commune operator inside their commune, in the console and in the API', async () => {
    const { page, context } = await openConsole(browser, sys.httpUrl);
    await signIn(page, operator.username, operator.password);
    const nav = await page.locator('nav#nav a').allTextContents();
    expect(nav).toEqual(['Tổng quan', 'Buổi phát hôm nay', 'Lịch phát', 'Đài truyền thanh', 'Cụm loa', 'Bản tin', 'Báo cáo']);

    await page.goto(`${sys.httpUrl}/#/stations`);
    const stations = page.getByTestId('stations-table').locator('tbody tr');
    await poll(() => stations.count()).toBe(1);
    expect(await stations.first().locator('th a').textContent()).toBe('Xã Bằng Thành');
    await page.goto(`${sys.httpUrl}/#/devices`);
    await poll(() => page.getByTestId('devices-table').locator('tbody tr').allTextContents()).toEqual([expect.stringContaining('Cụm loa thôn Nà Mò')]);

    // Another commune's station and cluster, even by their address: the API's refusal, in words.
    const nhanMon = (await sys.http('GET', '/api/v1/stations?area=01861', { cookie: await sys.adminCookie() })).body.items[0];
    await page.goto(`${sys.httpUrl}/#/stations/${nhanMon.id}`);
    await poll(() => page.getByRole('alert').textContent()).toContain('nằm ngoài địa bàn bạn quản lý');
    await screenshot(page, 'operator-refused');
    await page.goto(`${sys.httpUrl}/#/devices/${inNhanMon.deviceId}`);
    await poll(() => page.getByRole('alert').textContent()).toContain('Xã Nhạn Môn (01861) nằm ngoài địa bàn bạn quản lý');

    const api = await page.evaluate(async (otherDevice) => {
      const status = async (url: string) => (await fetch(url)).status;
      const own: any = await (await fetch('/api/v1/devices')).json();
      return {
        device: await status(`/api/v1/devices/${otherDevice}`),
        area: await status('/api/v1/devices?area=01861'),
        overview: await status('/api/v1/reports/overview?area=060'),
        own: own.items.map((d: { communeCode: string }) => d.communeCode),
      };
    }, inNhanMon.deviceId);
    expect(api).toEqual({ device: 403, area: 403, overview: 403, own: ['01858'] });
    await context.close();
  }, 60_000);

  it('fits a 360-pixel phone: the menu opens and closes, nothing spills sideways', async () => {
    const { page, context, errors } = await openConsole(browser, sys.httpUrl, PHONE);
    await signIn(page, district.username, district.password);
    await page.getByTestId('progress-chart').waitFor();
    expect(await fitsWidth(page)).toBe(true);
    const menu = page.locator('button.menu-button');
    expect(await page.locator('nav#nav').isVisible()).toBe(false);
    await screenshot(page, 'phone-overview');
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await page.locator('nav#nav').getByText('Cụm loa').click();
    await poll(() => page.locator('main h1').textContent()).toBe('Cụm loa');
    expect(await page.locator('nav#nav').isVisible()).toBe(false);
    await page.getByTestId('devices-table').waitFor();
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'phone-devices');
    await page.goto(`${sys.httpUrl}/#/devices/${inBangThanh.deviceId}`);
    await page.getByTestId('device-state').waitFor();
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'phone-device');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it("switches language: every label, the API's own messages, and the choice survives a reload", async () => {
    const { page, context } = await openConsole(browser, sys.httpUrl);
    await page.getByRole('button', { name: 'EN' }).click();
    await poll(() => page.locator('h1').textContent()).toBe('Sign in');
    await submitSignIn(page, 'admin', 'wrong-password');
    await poll(() => page.getByRole('alert').textContent()).toContain('Wrong username or password.');
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await poll(() => page.locator('main h1').textContent()).toBe('Overview');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect((await context.cookies()).find((c) => c.name === 'lang')?.value).toBe('en');
    await page.reload();
    await poll(() => page.locator('nav#nav a').first().textContent()).toBe('Overview');
    await page.goto(`${sys.httpUrl}/#/stations/999999`);
    await poll(() => page.getByRole('alert').textContent()).toContain('There is no station 999999.');
    await page.getByRole('button', { name: 'VI' }).click();
    await poll(() => page.locator('nav#nav a').first().textContent()).toBe('Tổng quan');
    expect((await context.cookies()).find((c) => c.name === 'lang')?.value).toBe('vi');
    await context.close();
  }, 60_000);

  it('lets the province administrator manage accounts, plan replacements, read reports and the audit log', async () => {
    const { page, context, errors } = await openConsole(browser, sys.httpUrl);
    await signIn(page, 'admin', ADMIN_PASSWORD);

    await page.goto(`${sys.httpUrl}/#/users`);
    await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
    await page.getByLabel('Tên đăng nhập').fill('xem.babe');
    await page.getByLabel('Họ tên').fill('Người xem Ba Bể');
    await page.getByLabel('Mật khẩu', { exact: true }).fill('Mot-mat-khau-dai-2026');
    await page.getByLabel('Vai trò').selectOption('viewer');
    await page.getByLabel('Địa bàn').selectOption('061');
    expect(await unlabelledControls(page)).toEqual([]);
    await page.getByRole('button', { name: 'Lưu' }).click();
    await poll(() => page.locator('tr[data-user="xem.babe"]').textContent()).toContain('Huyện Ba Bể');
    await screenshot(page, 'users');

    await page.goto(`${sys.httpUrl}/#/legacy?district=060`);
    const bocBo = page.locator('tr', { has: page.getByRole('link', { name: 'Xã Bộc Bố' }) });
    await bocBo.getByLabel('Năm dự kiến thay thế của Xã Bộc Bố').fill('2026');
    await bocBo.getByLabel('Tình trạng thay thế của Xã Bộc Bố').selectOption('planned');
    await bocBo.getByRole('button', { name: 'Lưu' }).click();
    await poll(() => page.getByTestId('legacy-summary').textContent()).toContain('Dự kiến năm 2026');
    await screenshot(page, 'legacy');

    await page.goto(`${sys.httpUrl}/#/reports`);
    const report = page.getByTestId('report-table');
    await poll(() => report.locator('tbody tr').count()).toBe(8);
    expect(await report.locator('tfoot').textContent()).toContain('108');
    await screenshot(page, 'reports');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-link').click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFFMã huyện,Huyện,Số xã,')).toBe(true);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav#nav').isVisible()).toBe(false);
    expect(await report.isVisible()).toBe(true);
    await screenshot(page, 'reports-print');
    await page.emulateMedia({ media: 'screen' });

    await page.goto(`${sys.httpUrl}/#/audit`);
    const audit = page.getByTestId('audit-table');
    await poll(() => audit.locator('tr[data-action="station.update"]').count()).toBeGreaterThanOrEqual(1);
    expect(await audit.locator('tr[data-action="user.create"]').count()).toBeGreaterThanOrEqual(1);
    await screenshot(page, 'audit');

    await page.goto(`${sys.httpUrl}/#/stations?district=060`);
    await page.getByTestId('stations-table').waitFor();
    await screenshot(page, 'stations');
    await page.getByRole('link', { name: 'Xã Bằng Thành' }).click();
    await page.getByTestId('station-clusters').waitFor();
    expect(await page.locator('figure.locations circle').count()).toBe(1);
    await screenshot(page, 'station');
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);
});
