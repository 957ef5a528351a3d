// WAL checkpoints on a worker thread. SQLite checkpoints on the committing connection by
// default: once the WAL passes 1,000 pages, the commit that crossed it copies those pages into
// the database file and fsyncs it — on the controller's event loop. Under heartbeat ingest the
// heartbeats index takes a new page for nearly every row, so that happened on almost every
// batch: 35 → 57 µs per heartbeat as the table grew past 600,000 rows, against 14–23 µs without
// (a measured by-hand run, docs/bench.md). A second connection on its own thread checkpoints
// instead (PASSIVE: it never blocks the writer); the main connection keeps a far larger
// automatic checkpoint only as a backstop, should the worker ever stop.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Logger } from '../../platform/logger.js';

/** Pages in the WAL before the main connection checkpoints by itself (4 KiB each: 256 MiB). */
const BACKSTOP_PAGES = 65_536;

// CommonJS, evaluated in the worker: no module file to find from the sources or from dist/.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage({ error: String((err && err.message) || err) });
  }
}, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface BackgroundCheckpoints {
  /** Stops the worker; its connection closes cleanly. */
  stop(): Promise<void>;
}

export function startBackgroundCheckpoints(sqlite: Database.Database, logger: Logger, everyMs = 1_000): BackgroundCheckpoints | null {
  if (sqlite.memory) return null;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: sqlite.name, driver, everyMs } });
  worker.unref();
  sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  let failures = 0;
  worker.on('message', (message: { error?: string }) => {
    if (message.error && failures++ < 5) logger.warn({ err: message.error }, 'background WAL checkpoint failed');
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('error', (err) => {
    // Without the worker the main connection checkpoints again at SQLite's default size.
    logger.error({ err }, 'WAL checkpoint worker stopped');
    if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
  });
  return {
    async stop() {
      worker.postMessage('stop');
      await exited;
    },
  };
}
