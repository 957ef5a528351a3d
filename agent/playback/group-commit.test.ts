// Group commit: one batch per turn of the event loop, batches and steps in order, a failed step
// stops nothing after it; a failed durable append leaves only the complete lines.
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendDurably, GroupCommit } from './group-commit.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'loa-group-commit-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('GroupCommit', () => {
  it('commits what is added in one turn as one batch, the next turn as the next, in order', async () => {
    const batches: number[][] = [];
    const errors: unknown[] = [];
    const commits = new GroupCommit<number>(async (batch) => {
      await new Promise((resolve) => setTimeout(resolve, 5)); // a slow disk: the next batch waits
      batches.push(batch);
    }, (err) => errors.push(err));
    commits.add(1);
    commits.add(2);
    commits.add(3);
    await new Promise((resolve) => setImmediate(resolve));
    commits.add(4);
    await commits.settled();
    expect(batches).toEqual([[1, 2, 3], [4]]);
    expect(errors).toEqual([]);
  });

  it('reports a failed batch and goes on with the steps after it', async () => {
    const errors: unknown[] = [];
    const done: string[] = [];
    const commits = new GroupCommit<string>(async (batch) => {
      if (batch.includes('bad')) throw new Error('disk full');
      done.push(...batch);
    }, (err) => errors.push(err));
    commits.add('bad');
    await commits.settled();
    const step = commits.serial(async () => 'after');
    commits.add('good');
    await expect(step).resolves.toBe('after');
    await commits.settled();
    expect(done).toEqual(['good']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['disk full']);
  });

  it('commits what is queued at once when asked (a close does not wait for the turn)', async () => {
    const batches: string[][] = [];
    const commits = new GroupCommit<string>(async (batch) => void batches.push(batch), () => undefined);
    commits.add('last');
    await commits.serial(() => commits.commitPending());
    expect(batches).toEqual([['last']]);
    await commits.settled();
    expect(batches).toEqual([['last']]); // the turn's own commit found nothing left
  });
});

describe('appendDurably', () => {
  it('appends and keeps the bytes', async () => {
    const file = path.join(dir, 'log');
    await writeFile(file, 'one\n');
    const handle = await open(file, 'a');
    await appendDurably(handle, file, 4, Buffer.from('two\n'));
    await handle.close();
    expect(await readFile(file, 'utf8')).toBe('one\ntwo\n');
  });

  it('cuts the file back to its complete lines when the write fails half-way', async () => {
    const file = path.join(dir, 'log');
    await writeFile(file, 'one\n');
    const real = await open(file, 'a');
    // The bytes reach the file, then syncing them fails (an I/O error on the card).
    const failing = { write: (b: Buffer) => real.write(b), datasync: () => Promise.reject(new Error('EIO')) } as unknown as typeof real;
    await expect(appendDurably(failing, file, 4, Buffer.from('torn li'))).rejects.toThrow('EIO');
    await real.close();
    expect(await readFile(file, 'utf8')).toBe('one\n');
  });
});
