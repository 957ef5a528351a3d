import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../platform/logger.js';
import { startBackgroundCheckpoints } from './checkpointer.js';
import { type LoaDatabase, openDatabase } from './client.js';

const dirs: string[] = [];
const open: LoaDatabase[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function database(): LoaDatabase {
  const dir = mkdtempSync(path.join(tmpdir(), 'loa-ckpt-'));
  dirs.push(dir);
  const db = openDatabase(path.join(dir, 'loa.sqlite'));
  open.push(db);
  db.sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
  return db;
}

function write(db: LoaDatabase, rows: number): void {
  const insert = db.sqlite.prepare('INSERT INTO t (body) VALUES (?)');
  db.sqlite.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run('x'.repeat(400));
  })();
}

// PRAGMA wal_checkpoint(PASSIVE) from the main connection reports what is still to copy.
const walFrames = (db: LoaDatabase) => db.sqlite.pragma('wal_checkpoint(PASSIVE)', { simple: false }) as { log: number; checkpointed: number }[];

describe('background WAL checkpoints', () => {
  it('move the checkpoint off the writing connection and still copy the WAL into the database', async () => {
    const db = database();
    const checkpoints = startBackgroundCheckpoints(db.sqlite, silentLogger, 50)!;
    expect(db.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBeGreaterThan(1000);
    write(db, 20_000); // ~9 MB: several times the default 1,000-page threshold
    // The worker copies the pages into the database file on its own. The file grows while it
    // copies, so wait for the whole of it, not the first page (a busy CI machine saw 4.3 MB).
    const deadline = Date.now() + 30_000;
    while (statSync(db.sqlite.name).size <= 8_000_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(statSync(db.sqlite.name).size).toBeGreaterThan(8_000_000);
    await checkpoints.stop();
    const [status] = walFrames(db);
    expect(status!.checkpointed).toBe(status!.log);
    expect(db.sqlite.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 20_000 });
  });

  it('without it, the writing connection checkpoints by itself (the default the worker replaces)', () => {
    const db = database();
    write(db, 20_000);
    expect(statSync(db.sqlite.name).size).toBeGreaterThan(8_000_000);
  });

  it('is not started for an in-memory database', () => {
    const db = openDatabase(':memory:');
    open.push(db);
    expect(startBackgroundCheckpoints(db.sqlite, silentLogger)).toBeNull();
  });
});
