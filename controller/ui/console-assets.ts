// The web console's files, held in memory: the ES modules, styles and icons of controller/ui,
// Preact, its hooks and htm read from node_modules (never copied into git, never from a CDN), and
// a generated `config.js` that hands the browser the permission matrix and a few settings from
// their one source. Everything is served under /ui/<build>/ where <build> is a hash of all of
// it, so a phone on 4G caches each file for good and fetches only what changed after an upgrade.
// Text files are compressed once here (gzip, and brotli for HTTPS clients), not per request.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { PACKAGE_ROOT } from '../../platform/paths.js';

export const CONSOLE_DIR = path.join(PACKAGE_ROOT, 'controller', 'ui');

const MIME: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
};
// Server-side TypeScript and tests live in the same folder and are never served.
const SERVED = /\.(js|css|svg|png|webmanifest)$/;

export interface Asset {
  body: Buffer;
  gzip: Buffer | null;
  brotli: Buffer | null;
  type: string;
  etag: string;
}

export interface ConsoleBundle {
  build: string;
  indexHtml: string;
  /** CSP source for the inline import map. */
  importMapHash: string;
  assets: Map<string, Asset>;
}

function vendorFiles(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const preactRoot = path.dirname(require.resolve('preact/package.json'));
  const htmDist = path.dirname(require.resolve('htm'));
  return {
    'vendor/preact.module.js': path.join(preactRoot, 'dist', 'preact.module.js'),
    'vendor/preact.module.js.map': path.join(preactRoot, 'dist', 'preact.module.js.map'),
    'vendor/hooks.module.js': path.join(preactRoot, 'hooks', 'dist', 'hooks.module.js'),
    'vendor/hooks.module.js.map': path.join(preactRoot, 'hooks', 'dist', 'hooks.module.js.map'),
    'vendor/htm.module.js': path.join(htmDist, 'htm.module.js'),
  };
}

function walk(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full, base));
    else if (SERVED.test(entry.name) && !entry.name.endsWith('.test.js')) out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out.sort();
}

export function asset(name: string, body: Buffer): Asset {
  const type = MIME[path.extname(name)] ?? 'application/octet-stream';
  const compressible = !type.startsWith('image/png') && body.length > 512;
  return {
    body,
    gzip: compressible ? gzipSync(body, { level: 9 }) : null,
    brotli: compressible ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }) : null,
    type,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
  };
}

export function loadConsole(generated: Record<string, string>): ConsoleBundle {
  const sources = new Map<string, Buffer>();
  for (const name of walk(CONSOLE_DIR)) sources.set(name, readFileSync(path.join(CONSOLE_DIR, name)));
  for (const [name, file] of Object.entries(vendorFiles())) sources.set(name, readFileSync(file));
  for (const [name, text] of Object.entries(generated)) sources.set(name, Buffer.from(text));

  const hash = createHash('sha256');
  for (const [name, body] of sources) hash.update(name).update(body);
  const build = hash.digest('hex').slice(0, 12);
  const base = `/ui/${build}`;

  const assets = new Map<string, Asset>();
  for (const [name, body] of sources) assets.set(name, asset(name, body));

  const importMap = JSON.stringify({
    imports: { preact: `${base}/vendor/preact.module.js`, 'preact/hooks': `${base}/vendor/hooks.module.js`, htm: `${base}/vendor/htm.module.js` },
  });
  // The modules every screen needs are announced up front so a slow link fetches them in
  // parallel instead of discovering them one import level at a time; pages load on demand.
  const preload = [...sources.keys()]
    .filter((n) => n.endsWith('.js') && (n.startsWith('lib/') || n.startsWith('components/') || n.startsWith('vendor/') || n === 'app.js' || n === 'config.js' || n.startsWith('i18n/')))
    .map((n) => `<link rel="modulepreload" href="${base}/${n}">`)
    .join('\n    ');
  const indexHtml = readFileSync(path.join(CONSOLE_DIR, 'index.html'), 'utf8')
    .replaceAll('/ui/BUILD', base)
    .replace('<!--importmap-->', `<script type="importmap">${importMap}</script>`)
    .replace('<!--preload-->', preload);
  return { build, indexHtml, importMapHash: `'sha256-${createHash('sha256').update(importMap).digest('base64')}'`, assets };
}
