import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../platform/logger.js';
import { CommandLog } from './command-log.js';
import { Journal, readJournal } from './journal.js';
import { Playlog } from './playlog.js';

let dir: string;
const opened: Journal<unknown>[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'loa-journal-'));
});
afterEach(async () => {
  for (const j of opened.splice(0)) await j.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

const file = () => path.join(dir, 'store.jsonl');
const lines = () => readFileSync(file(), 'utf8').split('\n').filter(Boolean);

async function openJournal<V>(options: { minLinesBeforeCompaction?: number } = {}): Promise<Journal<V>> {
  const journal = new Journal<V>({ file: file(), log: silentLogger, ...options });
  await journal.open();
  opened.push(journal as Journal<unknown>);
  return journal;
}

describe('Journal', () => {
  it('has a change on disk by the time it resolves, and replays sets and deletes in order', async () => {
    const journal = await openJournal<number>();
    expect(await journal.set('a', 1)).toBe(true);
    expect(await readJournal(file())).toEqual(new Map([['a', 1]]));
    await Promise.all([journal.set('b', 2), journal.set('a', 3), journal.delete('b'), journal.set('c', 4)]);
    const again = await openJournal<number>();
    expect([...again.entries]).toEqual([
      ['a', 3],
      ['c', 4],
    ]);
  });

  it('appends a line per change instead of rewriting the file', async () => {
    const journal = await openJournal<string>();
    await journal.set('x', 'one');
    await journal.set('y', 'two');
    expect(lines()).toEqual(['{"k":"x","v":"one"}', '{"k":"y","v":"two"}']);
    expect(await journal.delete('missing')).toBe(true);
    expect(lines()).toHaveLength(2);
  });

  it('cuts off a torn or damaged tail and keeps everything before it', async () => {
    const journal = await openJournal<number>();
    await journal.set('kept', 1);
    await journal.close();
    appendFileSync(file(), '{"k":"torn","v":2'); // power cut mid-line: no newline
    const afterTorn = await openJournal<number>();
    expect([...afterTorn.entries]).toEqual([['kept', 1]]);
    expect(readFileSync(file(), 'utf8')).toBe('{"k":"kept","v":1}\n');
    await afterTorn.set('next', 3);
    await afterTorn.close();
    appendFileSync(file(), 'garbage\n{"k":"after","v":4}\n');
    const afterGarbage = await openJournal<number>();
    expect([...afterGarbage.entries]).toEqual([
      ['kept', 1],
      ['next', 3],
    ]);
    expect(lines()).toHaveLength(2);
  });

  it('rewrites itself as a snapshot once it holds more than twice the live entries', async () => {
    const journal = await openJournal<number>({ minLinesBeforeCompaction: 10 });
    for (let i = 0; i < 50; i++) await journal.set('counter', i);
    expect(lines().length).toBeLessThanOrEqual(10);
    const again = await openJournal<number>();
    expect([...again.entries]).toEqual([['counter', 49]]);
  });

  it('keeps every change made while a rewrite is under way', async () => {
    const journal = await openJournal<number>({ minLinesBeforeCompaction: 5 });
    await Promise.all(Array.from({ length: 40 }, (_, i) => journal.set(`k${i % 7}`, i)));
    await journal.close();
    const expected = new Map<string, number>();
    for (let i = 0; i < 40; i++) expected.set(`k${i % 7}`, i);
    expect(await readJournal(file())).toEqual(expected);
  });

  it('converts the earlier whole-file format once, then removes it', async () => {
    const legacy = path.join(dir, 'store.json');
    writeFileSync(legacy, JSON.stringify([['old', 7]]));
    const journal = new Journal<number>({ file: file(), log: silentLogger });
    opened.push(journal as Journal<unknown>);
    await journal.open({ file: legacy, entries: (s) => (Array.isArray(s) ? (s as [string, number][]) : undefined) });
    expect([...journal.entries]).toEqual([['old', 7]]);
    expect(existsSync(legacy)).toBe(false);
    expect(await readJournal(file())).toEqual(new Map([['old', 7]]));
  });

  it('starts empty when the earlier file is unreadable, and removes temp files a crashed rewrite left', async () => {
    writeFileSync(path.join(dir, 'store.json'), '{not json');
    writeFileSync(path.join(dir, '.store.jsonl.123.1.tmp'), 'half a snapshot');
    const journal = new Journal<number>({ file: file(), log: silentLogger });
    opened.push(journal as Journal<unknown>);
    await journal.open({ file: path.join(dir, 'store.json'), entries: () => [['never', 1]] });
    expect(journal.entries.size).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['store.jsonl']);
  });
});

describe('stores on the journal', () => {
  it('CommandLog keeps the newest 500 answers across a restart', async () => {
    const log = new CommandLog(dir, silentLogger);
    await log.load();
    for (let i = 0; i < 520; i++) await log.record(`c${i}`, { status: 'ok', at: i });
    const reloaded = new CommandLog(dir, silentLogger);
    await reloaded.load();
    expect(reloaded.get('c19')).toBeUndefined();
    expect(reloaded.get('c20')).toEqual({ status: 'ok', at: 20 });
    expect(reloaded.get('c519')).toEqual({ status: 'ok', at: 519 });
  });

  it('Playlog takes over the earlier playlog.json and forgets entries older than three days', async () => {
    const now = Date.now();
    const current = { key: 'item:a', itemId: 'a', class: 'bulletin', startedAt: now - 1000, pid: 4242, stream: false, scheduled: true };
    writeFileSync(path.join(dir, 'playlog.json'), JSON.stringify({ v: 1, done: { 'item:old': now - 4 * 86_400_000, 'item:a': now - 1000 }, current }));
    const playlog = new Playlog(dir, silentLogger);
    expect(await playlog.load(now)).toEqual(current);
    expect(playlog.isDone('item:a')).toBe(true);
    expect(playlog.isDone('item:old')).toBe(false);
    expect(existsSync(path.join(dir, 'playlog.json'))).toBe(false);
    playlog.setCurrent(null);
    playlog.markDone('item:b', now);
    await playlog.flush();
    const reloaded = new Playlog(dir, silentLogger);
    expect(await reloaded.load(now)).toBeNull();
    expect(reloaded.isDone('item:b')).toBe(true);
    expect(reloaded.isDone('item:old')).toBe(false);
  });
});
