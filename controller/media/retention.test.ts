import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../platform/logger.js';
import { type LoaDatabase, openDatabase, runMigrations } from '../db/client.js';
import { mediaAssets, mediaOriginals } from '../db/schema/media.js';
import { MediaReferences } from './media-refs.js';
import { MediaStore } from './media-store.js';
import { MediaRetention } from './retention.js';

const DAY = 86_400_000;
const sha = (c: string) => c.repeat(64);
let dir: string;
let database: LoaDatabase;
let store: MediaStore;
let inUse: Set<string>;
let retention: MediaRetention;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'loa-retention-'));
  database = openDatabase(path.join(dir, 'loa.sqlite'));
  runMigrations(database);
  store = new MediaStore(path.join(dir, 'media'));
  await store.init();
  inUse = new Set();
  const refs = new MediaReferences();
  refs.register({ name: 'test', isReferenced: (s) => inUse.has(s), deviceMayFetch: () => false });
  retention = new MediaRetention(database, store, refs, 30, silentLogger);
});
afterEach(() => {
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

function addDelivery(hash: string) {
  writeFileSync(store.deliveryPath(hash, 'opus'), 'opus bytes');
  database.db.insert(mediaAssets).values({ sha256: hash, format: 'opus', codec: 'opus', channels: 1, sampleRate: 48000, durationMs: 1000, sizeBytes: 10, createdAt: 0 }).run();
}
function addOriginal(hash: string) {
  writeFileSync(store.originalPath(hash), 'mp3 bytes');
  database.db.insert(mediaOriginals).values({ sha256: hash, formatName: 'mp3', mime: 'audio/mpeg', codec: 'mp3', durationMs: 1000, sizeBytes: 9, createdAt: 0 }).run();
}
const files = () => [...readdirSync(store.root).filter((n) => n.endsWith('.opus')), ...readdirSync(store.originalsDir)].sort();

describe('media retention', () => {
  it('removes delivery files and originals only after they stayed unreferenced for the whole period', () => {
    addDelivery(sha('a'));
    addOriginal(sha('b'));
    const t0 = 1_000 * DAY;
    expect(retention.sweep(t0)).toMatchObject({ markedUnreferenced: 2, removedDelivery: 0, removedOriginals: 0 });
    expect(retention.sweep(t0 + 30 * DAY - 1)).toMatchObject({ removedDelivery: 0, removedOriginals: 0 });
    expect(files()).toHaveLength(2);
    expect(retention.sweep(t0 + 30 * DAY)).toMatchObject({ removedDelivery: 1, removedOriginals: 1 });
    expect(files()).toEqual([]);
    // The rows stay, marked, so archived bulletins keep their history.
    expect(database.sqlite.prepare('SELECT removed_at FROM media_assets').get()).toEqual({ removed_at: t0 + 30 * DAY });
  });

  it('never removes a file in use, however old, and restarts the clock when it is used again', () => {
    addDelivery(sha('c'));
    addOriginal(sha('d'));
    inUse.add(sha('c')).add(sha('d'));
    expect(retention.sweep(0)).toMatchObject({ kept: 2, markedUnreferenced: 0 });
    expect(retention.sweep(10_000 * DAY)).toMatchObject({ kept: 2, removedDelivery: 0, removedOriginals: 0 });
    inUse.delete(sha('c'));
    retention.sweep(10_000 * DAY);
    inUse.add(sha('c'));
    retention.sweep(10_020 * DAY);
    inUse.delete(sha('c'));
    // Unreferenced again from 10 025: not yet 30 days at 10 040.
    retention.sweep(10_025 * DAY);
    expect(retention.sweep(10_040 * DAY).removedDelivery).toBe(0);
    expect(retention.sweep(10_055 * DAY).removedDelivery).toBe(1);
    expect(files()).toEqual([sha('d')]);
  });

  it('removes stray files with no record once old, but not young ones or ones in use', () => {
    const old = store.deliveryPath(sha('e'), 'opus');
    const young = store.deliveryPath(sha('f'), 'opus');
    const used = store.originalPath(sha('1'));
    for (const f of [old, young, used]) writeFileSync(f, 'x');
    const now = Date.now();
    utimesSync(old, new Date(now - 40 * DAY), new Date(now - 40 * DAY));
    utimesSync(used, new Date(now - 40 * DAY), new Date(now - 40 * DAY));
    inUse.add(sha('1'));
    expect(retention.sweep(now).removedStrays).toBe(1);
    expect(files()).toEqual([sha('1'), `${sha('f')}.opus`]);
  });
});
