// Serving the console: the page at /, its files under /ui/<build>/ with long caching, Preact and
// htm from node_modules, compression, revalidation, a strict CSP, and nothing but the console's
// own browser files (no server TypeScript, no tests) reachable.
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../access/permissions.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';

let sys: TestSystem;
let page: string;
let base: string;

beforeAll(async () => {
  sys = await startTestSystem();
  const res = await fetch(`${sys.httpUrl}/`);
  page = await res.text();
  base = /src="(\/ui\/[0-9a-f]{12})\/app\.js"/.exec(page)![1]!;
});
afterAll(async () => sys?.close());

describe('the console', () => {
  it('is served at / in Vietnamese, revalidated on every visit, under a strict CSP', async () => {
    const res = await fetch(`${sys.httpUrl}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(page).toContain('<html lang="vi">');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    // Nothing from another origin: no CDN, no web fonts.
    expect(page).not.toMatch(/(src|href)="https?:/);
    const again = await fetch(`${sys.httpUrl}/`, { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('maps preact, preact/hooks and htm to copies read from node_modules', async () => {
    const map = JSON.parse(/<script type="importmap">(.*?)<\/script>/.exec(page)![1]!);
    expect(Object.keys(map.imports).sort()).toEqual(['htm', 'preact', 'preact/hooks']);
    for (const url of Object.values(map.imports) as string[]) {
      const res = await fetch(`${sys.httpUrl}${url}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/javascript');
      expect(await res.text()).toMatch(/\bexport\b/);
    }
  });

  it('caches its files for a year under the build hash and compresses them', async () => {
    const res = await fetch(`${sys.httpUrl}${base}/app.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const plain = await res.text();
    expect(plain).toContain('PageOutlet');
    const raw = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      import('node:http').then(({ get }) =>
        get(`${sys.httpUrl}${base}/app.js`, { headers: { 'accept-encoding': 'gzip' } }, (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c) => chunks.push(c));
          r.on('end', () => resolve({ encoding: r.headers['content-encoding'], body: Buffer.concat(chunks) }));
        }).on('error', reject),
      );
    });
    expect(raw.encoding).toBe('gzip');
    expect(gunzipSync(raw.body).toString()).toBe(plain);
    const etag = res.headers.get('etag')!;
    expect((await fetch(`${sys.httpUrl}${base}/app.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('serves a tab from before an upgrade the current files, without caching them for good', async () => {
    const res = await fetch(`${sys.httpUrl}/ui/000000000000/app.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('hands the browser the permission matrix from its one source', async () => {
    const text = await (await fetch(`${sys.httpUrl}${base}/config.js`)).text();
    const matrix = JSON.parse(/export const PERMISSIONS = (.*);/.exec(text)![1]!);
    expect(matrix).toEqual(JSON.parse(JSON.stringify(PERMISSIONS)));
    expect(text).toContain('"timezone":"Asia/Ho_Chi_Minh"');
  });

  it('serves nothing but its browser files', async () => {
    for (const path of ['console.routes.ts', 'console-assets.ts', 'i18n.test.ts', 'index.html', '../package.json', 'nope.js']) {
      const res = await fetch(`${sys.httpUrl}${base}/${path}`);
      expect(res.status, path).toBe(404);
    }
  });
});
