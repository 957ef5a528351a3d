// Driving Debian's Chromium through playwright-core for the console's browser tests: one browser
// per test file (a fresh, empty profile), one context per scenario, screenshots of the screens
// into test-artifacts/screenshots/ for review, and page errors collected so a test can fail on them.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { PACKAGE_ROOT } from '../../platform/paths.js';

export const SCREENSHOTS = path.join(PACKAGE_ROOT, 'test-artifacts', 'screenshots');
export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 900 };

/** `extraArgs`: e.g. Chromium's fake microphone for the recording test. */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  // Debian's Chromium, never a downloaded one; `.ci/run` installs it with apt-get when missing.
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors in the page; a console that throws fails its test. */
  errors: string[];
}

export async function openConsole(browser: Browser, url: string, viewport = DESKTOP): Promise<Session> {
  const phone = viewport.width < 600;
  const context = await browser.newContext({ viewport, isMobile: phone, hasTouch: phone, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(url);
  return { context, page, errors };
}

/** Fills and sends the sign-in form (it may be refused: see `signIn` for a successful one). */
export async function submitSignIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel(/Tên đăng nhập|Username/).fill(username);
  await page.getByLabel(/^(Mật khẩu|Password)$/).fill(password);
  await page.locator('form button[type=submit]').click();
}

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await submitSignIn(page, username, password);
  await page.locator('nav#nav').waitFor({ state: 'attached' });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Form controls with no label a screen reader could announce. */
export function unlabelledControls(page: Page): Promise<string[]> {
  // The callback runs in the page (DOM types are not in this project's compiler settings).
  return page.$$eval('input, select, textarea', (elements: any[]) =>
    elements.filter((e) => e.type !== 'hidden' && !e.labels?.length && !e.getAttribute('aria-label')).map((e) => String(e.outerHTML).slice(0, 80)),
  );
}

/** True when the page fits the viewport's width (tables may scroll inside their own box). */
export function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const { document, innerWidth } = globalThis as any;
    return document.documentElement.scrollWidth <= innerWidth;
  });
}
