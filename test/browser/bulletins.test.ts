// The bulletin screens in a real browser (Debian's Chromium with its fake microphone) against a real
// controller and real ffmpeg: a commune operator uploads a generated audio file and watches it
// upload and process, submits it; the commune's approver approves it from the queue and rejects
// another with a reason; a bad upload, a missing text-to-speech voice, a failed processing and a
// refused microphone each show what is wrong; a recording from the microphone becomes a bulletin; the library fits a
// 360-px phone and filters.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, makeAudio, SPEECH_LIKE, upload, waitForJob } from '../media-fixtures.js';
import { startTestSystem, type TestSystem } from '../system.js';
import { fitsWidth, launchBrowser, openConsole, PHONE, screenshot, signIn, unlabelledControls } from './browser.js';

const poll = <T>(fn: () => Promise<T> | T, timeout = 30_000) => expect.poll(fn, { timeout, interval: 100 });

const BANG_THANH = '01858';
let sys: TestSystem;
let browser: Browser;
let dir: string;
let notice: string;
/** While this file exists, the stand-in ffmpeg fails every encode (see beforeAll). */
let breakEncoder: string;
let operator: Awaited<ReturnType<TestSystem['createUser']>>;
let approver: Awaited<ReturnType<TestSystem['createUser']>>;
let approvedId: number;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'loa-cbul-'));
  breakEncoder = path.join(dir, 'break-the-encoder');
  // The real ffmpeg, except that the encode fails with its own words while `breakEncoder` exists.
  const ffmpeg = path.join(dir, 'ffmpeg');
  writeFileSync(
    ffmpeg,
    `#!/bin/bash
case "$*" in
  *libopus*)
    if [ -e "${breakEncoder}" ]; then echo "[libopus @ 0x55d0c0ffee00] simulated encoder fault in frame 412" >&2; exit 1; fi ;;
esac
exec "${bin.ffmpeg}" "$@"
`,
  );
  chmodSync(ffmpeg, 0o755);
  [sys, browser] = await Promise.all([
    // No espeak-ng where it is looked for: the text-to-speech form must show the API's message.
    startTestSystem({ LOA_TTS_ESPEAK_PATH: path.join(dir, 'no-such-espeak-ng'), FFMPEG_PATH: ffmpeg }),
    launchBrowser(['--use-fake-device-for-media-stream']),
  ]);
  [operator, approver, notice] = await Promise.all([
    sys.createUser('commune_operator', BANG_THANH, 'vanthu.bangthanh'),
    sys.createUser('commune_approver', BANG_THANH, 'chutich.bangthanh'),
    makeAudio(dir, 'thong-bao-tiem-chung.mp3', SPEECH_LIKE(4), ['-c:a', 'libmp3lame', '-b:a', '64k']),
  ]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await sys?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Records every value the upload progress bar shows, however briefly it is on screen. */
function watchUploadProgress(page: Page): Promise<void> {
  return page.evaluate(() => {
    const g = globalThis as any;
    g.uploadProgressSeen = [];
    new g.MutationObserver(() => {
      const figure = g.document.querySelector('[data-testid=upload-progress] .progress-value');
      if (figure) g.uploadProgressSeen.push(Number.parseInt(figure.textContent, 10));
    }).observe(g.document.body, { subtree: true, childList: true, characterData: true });
  });
}

async function fillMetadata(page: Page, title: string, category?: string): Promise<void> {
  await page.getByLabel('Tiêu đề').fill(title);
  if (category) await page.getByLabel('Chuyên mục').fill(category);
}

describe('the bulletin screens', () => {
  it('uploads a file with a progress bar, follows its processing live, previews it and submits it', async () => {
    const { page, context, errors } = await openConsole(browser, `${sys.httpUrl}/#/bulletins/new`);
    await signIn(page, operator.username, operator.password);
    await poll(() => page.locator('main h1').textContent()).toBe('Bản tin mới');
    expect(await unlabelledControls(page)).toEqual([]);
    // A commune operator may not make emergency bulletins: the class is not offered.
    expect(await page.getByLabel('Mức ưu tiên').locator('option').allTextContents()).toEqual(['Thông thường', 'Ưu tiên']);

    // The job runner is held, so the job is seen waiting; then it runs and the page follows it live.
    await sys.ctx.media.worker.stop();
    await fillMetadata(page, 'Thông báo lịch tiêm chủng tháng 12', 'y tế');
    await page.getByLabel('Tệp âm thanh').setInputFiles(notice);
    await watchUploadProgress(page);
    await page.getByRole('button', { name: 'Tải lên' }).click();

    await page.waitForURL(/#\/bulletins\/\d+$/);
    approvedId = Number(page.url().split('/').pop());
    expect(await page.evaluate(() => (globalThis as any).uploadProgressSeen)).toContain(100);
    const processing = page.getByTestId('transcode-progress');
    await poll(() => processing.textContent()).toContain('Đang chờ xử lý');
    await screenshot(page, 'bulletin-processing');
    await page.evaluate(() => {
      (globalThis as any).stillTheSamePage = true;
    });
    await sys.ctx.media.worker.start();
    await page.getByTestId('preview').waitFor({ timeout: 120_000 });
    expect(await page.evaluate(() => (globalThis as any).stillTheSamePage)).toBe(true);
    expect(await processing.count()).toBe(0);
    expect(await page.getByTestId('preview').getAttribute('src')).toMatch(/^\/api\/v1\/media\/[0-9a-f]{64}$/);
    // The delivered loudness, as the API measured it (−16 LUFS target).
    await poll(() => page.locator('dl.facts').textContent()).toMatch(/-1[5-7],\d LUFS/);
    // The preview is playable with the staff session.
    const src = (await page.getByTestId('preview').getAttribute('src'))!;
    expect(await page.evaluate(async (url) => (await fetch(url)).status, src)).toBe(200);

    await page.getByRole('button', { name: 'Gửi duyệt' }).click();
    await poll(() => page.locator('main [data-status]').first().getAttribute('data-status')).toBe('submitted');
    await poll(() => page.getByTestId('history').locator('li').count()).toBe(2);
    // An operator cannot approve: no such button.
    expect(await page.getByRole('button', { name: 'Duyệt', exact: true }).count()).toBe(0);
    await screenshot(page, 'bulletin');
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);

  it("lets the commune's approver approve from the queue, and reject another with a reason", async () => {
    // A second submitted bulletin (same audio: processed once, reused).
    const second = await upload(sys, notice, { cookie: operator.cookie, fields: { title: 'Thông báo họp thôn' } });
    await waitForJob(sys, operator.cookie, second.body.id);
    expect((await sys.http('POST', `/api/v1/bulletins/${second.body.id}/submit`, { cookie: operator.cookie })).status).toBe(200);

    const { page, context, errors } = await openConsole(browser, sys.httpUrl);
    await signIn(page, approver.username, approver.password);
    await page.locator('nav#nav').getByRole('link', { name: 'Chờ duyệt' }).click();
    await poll(() => page.locator('main h1').textContent()).toBe('Bản tin chờ duyệt');
    const queue = page.getByTestId('queue');
    await poll(() => queue.locator('li[data-bulletin]').count()).toBe(2);
    await screenshot(page, 'bulletin-queue');

    await queue.getByRole('button', { name: 'Duyệt: Thông báo lịch tiêm chủng tháng 12' }).click();
    await poll(() => page.locator('.notice.success').textContent()).toContain('Đã duyệt “Thông báo lịch tiêm chủng tháng 12”');
    await poll(() => queue.locator('li[data-bulletin]').count()).toBe(1);
    expect((await sys.http('GET', `/api/v1/bulletins/${approvedId}`, { cookie: operator.cookie })).body.status).toBe('approved');

    // Rejecting needs a reason: the button stays off until one is written.
    await queue.getByRole('button', { name: 'Từ chối: Thông báo họp thôn' }).click();
    const reject = page.locator('form.reject-form');
    expect(await reject.getByRole('button', { name: 'Từ chối' }).isDisabled()).toBe(true);
    await reject.getByLabel(/Lý do từ chối/).fill('Sai ngày họp, đề nghị ghi âm lại');
    await reject.getByRole('button', { name: 'Từ chối' }).click();
    await poll(() => page.getByTestId('queue-empty').count()).toBe(1);
    const history = await sys.http('GET', `/api/v1/bulletins/${second.body.id}/transitions`, { cookie: operator.cookie });
    expect(history.body.at(-1)).toMatchObject({ toStatus: 'rejected', reason: 'Sai ngày họp, đề nghị ghi âm lại', actorName: approver.username });

    // The approved bulletin's page: its history names the approver; nothing left to approve.
    await page.goto(`${sys.httpUrl}/#/bulletins/${approvedId}`);
    await poll(() => page.getByTestId('history').locator('li').count()).toBe(3);
    expect(await page.getByTestId('history').locator('li').last().textContent()).toContain(approver.username);
    expect(await page.getByRole('button', { name: 'Duyệt', exact: true }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();

    // The author reads the reason, corrects the rejected bulletin (back to draft) and can submit again.
    const author = await openConsole(browser, `${sys.httpUrl}/#/bulletins/${second.body.id}`);
    await signIn(author.page, operator.username, operator.password);
    await poll(() => author.page.getByTestId('history').textContent()).toContain('Lý do: Sai ngày họp, đề nghị ghi âm lại');
    await author.page.getByRole('button', { name: 'Sửa thông tin hoặc âm thanh' }).click();
    await author.page.getByTestId('edit-form').getByLabel('Tiêu đề').fill('Thông báo họp thôn (sửa ngày)');
    await author.page.getByTestId('edit-form').getByRole('button', { name: 'Lưu' }).click();
    await poll(() => author.page.locator('main h1').textContent()).toBe('Thông báo họp thôn (sửa ngày)');
    expect(await author.page.locator('main [data-status]').first().getAttribute('data-status')).toBe('draft');
    expect(await author.page.getByRole('button', { name: 'Gửi duyệt' }).count()).toBe(1);
    expect(author.errors).toEqual([]);
    await author.context.close();
  }, 120_000);

  it("shows the API's refusal next to the form: a file that is not audio, and text-to-speech without its voice", async () => {
    const fake = path.join(dir, 'danh-sach-ho-dan.mp3');
    writeFileSync(fake, 'Danh sách hộ dân thôn Nà Mò\n'.repeat(50));
    const { page, context, errors } = await openConsole(browser, `${sys.httpUrl}/#/bulletins/new`);
    await signIn(page, operator.username, operator.password);
    await fillMetadata(page, 'Danh sách hộ dân');
    await page.getByLabel('Tệp âm thanh').setInputFiles(fake);
    await page.getByRole('button', { name: 'Tải lên' }).click();
    const alert = page.getByTestId('upload-form').getByRole('alert');
    await poll(() => alert.textContent()).toContain('Tệp "danh-sach-ho-dan.mp3" không phải tệp âm thanh đọc được');
    // Still on the form, with what was typed.
    expect(await page.getByLabel('Tiêu đề').inputValue()).toBe('Danh sách hộ dân');
    await screenshot(page, 'bulletin-upload-refused');

    await page.getByRole('link', { name: 'Từ văn bản' }).click();
    await page.getByLabel('Văn bản cần đọc').fill('Kính thưa bà con, ngày mai thôn Nà Mò họp lúc 8 giờ.');
    expect(await page.getByLabel('Tiêu đề').inputValue()).toBe('Danh sách hộ dân');
    await page.getByRole('button', { name: 'Tạo bản tin' }).click();
    await poll(() => page.getByTestId('tts-form').getByRole('alert').textContent()).toContain('espeak-ng');

    // In English, the API's refusal comes in English.
    await page.getByRole('button', { name: 'EN' }).click();
    await page.getByRole('link', { name: 'Upload a file' }).click();
    await page.getByLabel('Title').fill('Household list');
    await page.getByLabel('Audio file').setInputFiles(fake);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await poll(() => page.getByTestId('upload-form').getByRole('alert').textContent()).toContain('The file "danh-sach-ho-dan.mp3" is not an audio file ffmpeg can read');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it("shows ffmpeg's words when processing fails, and processes it again on request", async () => {
    writeFileSync(breakEncoder, '');
    const other = await makeAudio(dir, 'thong-bao-mat-dien.mp3', SPEECH_LIKE(3, 0.2), ['-c:a', 'libmp3lame']);
    const created = await upload(sys, other, { cookie: operator.cookie, fields: { title: 'Lịch cắt điện' } });
    expect(created.status).toBe(201);
    const { page, context, errors } = await openConsole(browser, `${sys.httpUrl}/#/bulletins/${created.body.id}`);
    await signIn(page, operator.username, operator.password);
    const failed = page.getByTestId('job-failed');
    await poll(() => failed.textContent()).toContain('simulated encoder fault in frame 412');
    expect(await page.getByRole('button', { name: 'Gửi duyệt' }).count()).toBe(0);
    await screenshot(page, 'bulletin-failed');

    rmSync(breakEncoder);
    await failed.getByRole('button', { name: 'Xử lý lại' }).click();
    await page.getByTestId('preview').waitFor({ timeout: 60_000 });
    expect(await failed.count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Gửi duyệt' }).count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('records from the microphone into a bulletin, and says so when the microphone is refused', async () => {
    const refused = await openConsole(browser, `${sys.httpUrl}/#/bulletins/new?mode=record`);
    await signIn(refused.page, operator.username, operator.password);
    await refused.page.getByRole('button', { name: 'Bắt đầu ghi âm' }).click();
    await poll(() => refused.page.getByTestId('microphone-problem').textContent()).toContain('Quyền dùng micrô đã bị từ chối');
    await refused.context.close();

    const { page, context, errors } = await openConsole(browser, `${sys.httpUrl}/#/bulletins/new?mode=record`);
    await context.grantPermissions(['microphone'], { origin: sys.httpUrl });
    await signIn(page, operator.username, operator.password);
    await fillMetadata(page, 'Ghi âm thông báo khẩn của xã');
    await page.getByRole('button', { name: 'Bắt đầu ghi âm' }).click();
    // Two seconds of Chromium's fake microphone (its clock shows them).
    await poll(() => page.locator('.recording').textContent()).toContain('0:02');
    await page.getByRole('button', { name: 'Dừng' }).click();
    await page.getByLabel('Nghe lại bản ghi').waitFor();
    await page.getByRole('button', { name: 'Lưu bản ghi' }).click();
    await page.waitForURL(/#\/bulletins\/\d+$/);
    await page.getByTestId('preview').waitFor({ timeout: 60_000 });
    expect(await page.locator('dl.facts').textContent()).toContain('Ghi âm từ micrô');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('fits the library on a 360-px phone and filters it', async () => {
    const { page, context, errors } = await openConsole(browser, `${sys.httpUrl}/#/bulletins`, PHONE);
    await signIn(page, operator.username, operator.password);
    const table = page.getByTestId('bulletins-table');
    await poll(() => table.locator('tbody tr').count()).toBe(4);
    expect(await fitsWidth(page)).toBe(true);
    expect(await unlabelledControls(page)).toEqual([]);
    const row = table.locator(`tr[data-bulletin="${approvedId}"]`);
    expect(await row.textContent()).toContain('Đã duyệt');
    expect(await row.textContent()).toContain(operator.username);
    expect(await row.locator('td.num').first().textContent()).toBe('0:04');
    await screenshot(page, 'bulletins-phone');

    await page.getByLabel('Trạng thái').selectOption('approved');
    await poll(() => table.locator('tbody tr').count()).toBe(1);
    // Part of the category is enough.
    await page.getByLabel('Chuyên mục', { exact: true }).fill('nông nghiệp');
    await poll(() => page.getByText('Không có bản tin nào phù hợp.').count()).toBe(1);
    await page.getByLabel('Chuyên mục', { exact: true }).fill('tế');
    await poll(() => table.locator('tbody tr').count()).toBe(1);
    await page.getByRole('search').getByLabel('Ngôn ngữ').selectOption('tay');
    await poll(() => page.getByText('Không có bản tin nào phù hợp.').count()).toBe(1);
    expect(await fitsWidth(page)).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
