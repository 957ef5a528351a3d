import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../platform/logger.js';
import { MediaCache } from './media-cache.js';

const hash = (c: string) => c.repeat(64);
let dir: string;
let cache: MediaCache;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'loa-cache-'));
  cache = new MediaCache(dir, silentLogger);
  await cache.open();
  for (const c of ['a', 'b', 'c', 'd']) writeFileSync(cache.pathOf(hash(c)), Buffer.alloc(100));
  writeFileSync(path.join(cache.dir, 'partial', hash('e')), Buffer.alloc(50));
  writeFileSync(path.join(cache.dir, '.x.tmp'), 'left by a crash');
  cache = new MediaCache(dir, silentLogger);
  await cache.open();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('MediaCache', () => {
  it('finds verified files and partial downloads on disk, and clears temp files', () => {
    expect(['a', 'b', 'c', 'd'].every((c) => cache.has(hash(c)))).toBe(true);
    expect(cache.has(hash('e'))).toBe(false);
    expect(cache.bytes).toBe(450);
    expect(existsSync(path.join(cache.dir, '.x.tmp'))).toBe(false);
  });

  it('evicts files nothing needs first, then those needed furthest ahead — never a pinned one or one needed sooner', async () => {
    const uses: Record<string, number> = { [hash('b')]: 5_000, [hash('c')]: 1_000, [hash('d')]: 9_000 };
    const nextUse = (sha: string) => uses[sha];
    const release = cache.pin(hash('d'));
    // Room for 200 more bytes under 450: 'a' (unneeded) goes, then 'b' (needed at 5 000, after 2 000).
    expect(await cache.makeRoom(200, 450, nextUse, 2_000)).toBe(true);
    expect(['a', 'b', 'c', 'd'].map((c) => cache.has(hash(c)))).toEqual([false, false, true, true]);
    // More than that cannot be freed: 'c' is needed before, 'd' is playing.
    expect(await cache.makeRoom(400, 450, nextUse, 2_000)).toBe(false);
    expect(cache.has(hash('c')) && cache.has(hash('d'))).toBe(true);
    release();
    expect(await cache.makeRoom(300, 450, nextUse, 2_000)).toBe(true);
    expect(cache.has(hash('d'))).toBe(false);
  });

  it('drops partial downloads no item needs any more', async () => {
    await cache.dropUnneededPartials(() => undefined);
    expect(existsSync(cache.partialPathOf(hash('e')))).toBe(false);
    expect(cache.bytes).toBe(400);
  });
});
