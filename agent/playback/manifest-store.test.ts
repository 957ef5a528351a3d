import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../platform/logger.js';
import { ManifestStore, manifestProblems, resolveMediaUrl } from './manifest-store.js';
import { manifest, mediaItem } from './test-support.js';

const DEVICE = 'dev-1';
const CONTROLLER = 'https://loa.example.vn/';
const tone = { sha256: 'a'.repeat(64), durationMs: 1_000 };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'loa-manifest-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ManifestStore', () => {
  it('applies a newer manifest, persists it, and loads it back after a restart', async () => {
    const store = new ManifestStore(dir, CONTROLLER, silentLogger);
    const m = manifest(DEVICE, 3, [mediaItem('a', tone, 1_000)]);
    expect(await store.offer(m)).toMatchObject({ status: 'applied', previous: undefined });
    expect(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'))).toEqual(m);
    const again = new ManifestStore(dir, CONTROLLER, silentLogger);
    expect(await again.load()).toEqual(m);
  });

  it('ignores the same version, refuses an older one, and keeps the held manifest', async () => {
    const store = new ManifestStore(dir, CONTROLLER, silentLogger);
    await store.offer(manifest(DEVICE, 5, []));
    expect(await store.offer(manifest(DEVICE, 5, [mediaItem('a', tone, 1)]))).toEqual({ status: 'unchanged' });
    expect(await store.offer(manifest(DEVICE, 4, []))).toMatchObject({ status: 'rejected', reason: 'stale_version' });
    expect(store.current?.version).toBe(5);
    expect(store.current?.items).toEqual([]);
  });

  it('ignores a damaged manifest file at start-up', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(dir, 'manifest.json'), '{"v":1,"version":');
    expect(await new ManifestStore(dir, CONTROLLER, silentLogger).load()).toBeUndefined();
  });
});

describe('manifestProblems', () => {
  it('finds duplicate ids, unusable urls, a url naming another hash and absurd durations', () => {
    const ok = mediaItem('a', tone, 1);
    expect(manifestProblems(manifest(DEVICE, 1, [ok]), CONTROLLER)).toEqual([]);
    const problems = manifestProblems(
      manifest(DEVICE, 1, [
        ok,
        { ...ok, startAt: 5 },
        { ...mediaItem('b', tone, 2), source: { type: 'media', sha256: tone.sha256, url: 'ftp://x/y' } },
        { ...mediaItem('c', tone, 3), source: { type: 'media', sha256: tone.sha256, url: `/api/v1/media/${'b'.repeat(64)}` } },
        { ...mediaItem('d', tone, 4), durationMs: 2 * 86_400_000 },
      ]),
      CONTROLLER,
    );
    expect(problems).toEqual([
      'item a: duplicate item id',
      'item b: media url is neither a path nor http(s)',
      'item c: media url names another hash than sha256',
      'item d: durationMs 172800000 is longer than a day',
    ]);
  });

  it('resolves media paths against the controller url, keeps absolute http(s) urls', () => {
    expect(resolveMediaUrl('https://loa.example.vn/', '/api/v1/media/x')).toBe('https://loa.example.vn/api/v1/media/x');
    expect(resolveMediaUrl('https://h/loa', '/api/v1/media/x')).toBe('https://h/loa/api/v1/media/x');
    expect(resolveMediaUrl('https://h', 'http://cdn/x')).toBe('http://cdn/x');
    expect(resolveMediaUrl('https://h', '//evil/x')).toBeUndefined();
    expect(resolveMediaUrl('https://h', 'relative/x')).toBeUndefined();
  });
});
