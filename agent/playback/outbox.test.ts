import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../platform/logger.js';
import { systemClock } from '../clock.js';
import { Outbox } from './outbox.js';

let dir: string;
const open: Outbox[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'loa-outbox-'));
});
afterEach(async () => {
  for (const o of open.splice(0)) await o.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

async function openOutbox(): Promise<Outbox> {
  const outbox = new Outbox({ dir, log: silentLogger, clock: systemClock });
  await outbox.open();
  open.push(outbox);
  return outbox;
}
const file = () => path.join(dir, 'events.log');
const lines = () => readFileSync(file(), 'utf8').split('\n').filter(Boolean);
const event = (detail: string) => ({ type: 'fault' as const, detail });

describe('Outbox', () => {
  it('numbers events from 1 in append order, with one write for those appended together', async () => {
    const outbox = await openOutbox();
    const written = await Promise.all(Array.from({ length: 50 }, (_, i) => outbox.append(event(`e${i}`))));
    expect(written.map((e) => e.seq)).toEqual(written.map((_, i) => i + 1));
    expect(written.map((e) => e.detail)).toEqual(written.map((_, i) => `e${i}`));
    expect(outbox.after(0)).toHaveLength(50);
  });

  it('has an event on disk by the time append resolves', async () => {
    const outbox = await openOutbox();
    const e = await outbox.append({ ...event('durable'), ts: 1234 });
    // Read while the outbox is still open, as a crash right now would leave it.
    expect(lines()[1]).toBe(JSON.stringify(e));
    expect(e).toMatchObject({ seq: 1, ts: 1234, type: 'fault', detail: 'durable' });
  });

  it('continues the numbering after a restart', async () => {
    const first = await openOutbox();
    await first.append(event('a'));
    await first.append(event('b'));
    await first.close();
    const second = await openOutbox();
    expect(second.after(0).map((e) => e.detail)).toEqual(['a', 'b']);
    expect((await second.append(event('c'))).seq).toBe(3);
  });

  it('cuts off a torn last line after a power cut and keeps everything before it', async () => {
    const first = await openOutbox();
    for (const d of ['a', 'b', 'c']) await first.append(event(d));
    await first.close();
    appendFileSync(file(), '{"type":"play_started","seq":4,"ts":17958');
    const second = await openOutbox();
    expect(second.after(0).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect((await second.append(event('d'))).seq).toBe(4);
    // The file is whole again: every line is a complete event.
    expect(lines().slice(1).map((l) => JSON.parse(l).detail)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('treats zero-filled blocks, garbage and a break in the numbering as the end of the log', async () => {
    const first = await openOutbox();
    await first.append(event('a'));
    await first.close();
    appendFileSync(file(), `${'\0'.repeat(300)}\n`);
    const second = await openOutbox();
    expect(second.after(0).map((e) => e.detail)).toEqual(['a']);
    await second.close();
    appendFileSync(file(), `${JSON.stringify({ type: 'fault', seq: 7, ts: 1 })}\n`);
    const third = await openOutbox();
    expect(third.after(0).map((e) => e.seq)).toEqual([1]);
    expect((await third.append(event('b'))).seq).toBe(2);
  });

  it('drops acknowledged events from the file, and a restart resumes after the acknowledged sequence', async () => {
    const first = await openOutbox();
    for (const d of ['a', 'b', 'c']) await first.append(event(d));
    first.ack(2);
    expect(first.after(0).map((e) => e.seq)).toEqual([3]);
    await first.close();
    expect(JSON.parse(lines()[0]!)).toEqual({ outbox: 1, acked: 2 });
    expect(lines()).toHaveLength(2);
    const second = await openOutbox();
    expect(second.ackedSeq).toBe(2);
    expect(second.after(0).map((e) => e.detail)).toEqual(['c']);
    second.ack(3);
    await second.close();
    const third = await openOutbox();
    expect(third.after(0)).toEqual([]);
    expect((await third.append(event('d'))).seq).toBe(4);
  });

  it('ignores what a compaction interrupted by a crash left behind', async () => {
    const first = await openOutbox();
    await first.append(event('a'));
    await first.close();
    writeFileSync(path.join(dir, '.events.log.999.1.tmp'), '{"outbox":1,"acked":');
    const second = await openOutbox();
    expect(second.after(0).map((e) => e.detail)).toEqual(['a']);
    expect(readdirSync(dir)).toEqual(['events.log']);
  });

  it('keeps every event appended while acknowledged ones are being compacted away', async () => {
    const outbox = await openOutbox();
    const first = await Promise.all(Array.from({ length: 600 }, (_, i) => outbox.append(event(`old${i}`))));
    // 500 acknowledged events start a rewrite of the file at once; events keep coming meanwhile
    // (an emergency's play_started while the file is rewritten): none may be refused or lost.
    outbox.ack(first[549]!.seq);
    const during: Promise<unknown>[] = [];
    for (let turn = 0; turn < 40; turn++) {
      during.push(outbox.append(event(`new${turn}`)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const results = await Promise.allSettled(during);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    await outbox.close();
    open.length = 0;
    const reopened = await openOutbox();
    expect(reopened.ackedSeq).toBe(550);
    expect(reopened.after(550).map((e) => e.detail)).toEqual([...first.slice(550).map((e) => e.detail), ...Array.from({ length: 40 }, (_, i) => `new${i}`)]);
  });

  it('refuses events once closed', async () => {
    const outbox = await openOutbox();
    await outbox.close();
    open.length = 0;
    await expect(outbox.append(event('late'))).rejects.toThrow('outbox is not open');
  });

  it('refuses an event that breaks the contract without using up a sequence number', async () => {
    const outbox = await openOutbox();
    await expect(outbox.append({ type: 'fault', detail: 'x'.repeat(1001) })).rejects.toThrow(/breaks the contract/);
    expect((await outbox.append(event('fine'))).seq).toBe(1);
  });

  it('continues above a sequence the controller acknowledges beyond its own (a wiped data folder)', async () => {
    const outbox = await openOutbox();
    await outbox.append(event('a'));
    outbox.ack(40);
    await expect.poll(() => outbox.after(0).map((e) => [e.seq, e.detail])).toEqual([[41, 'a']]);
    expect((await outbox.append(event('b'))).seq).toBe(42);
    await outbox.close();
    expect(JSON.parse(lines()[0]!)).toEqual({ outbox: 1, acked: 40 });
  });
});
