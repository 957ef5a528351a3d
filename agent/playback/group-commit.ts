// The durable-append mechanism the agent's append-only files share (the outbox, the command log
// and the play log, agent/playback/journal.ts): what is added in one turn of the event loop goes
// to disk together, in one write and one fdatasync (group commit), one batch at a time; a write
// that fails is cut back to the last complete line, so the next batch follows a whole line and a
// replay never reads half a record.
import type { FileHandle } from 'node:fs/promises';
import { truncate } from 'node:fs/promises';

export class GroupCommit<T> {
  private pending: T[] = [];
  private queued = false;
  private chain: Promise<unknown> = Promise.resolve();

  /**
   * @param commit writes a batch (runs one at a time, in order, with `serial`'s other steps)
   * @param onError told when a step fails; the chain goes on with the next
   */
  constructor(
    private readonly commit: (batch: T[]) => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Queues `item` for the batch of this turn of the event loop. */
  add(item: T): void {
    this.pending.push(item);
    if (this.queued) return;
    this.queued = true;
    setImmediate(() => {
      this.queued = false;
      void this.serial(() => this.commitPending());
    });
  }

  /** Commits what is queued now, without waiting for the turn to end (inside a `serial` step: close). */
  commitPending(): Promise<void> {
    const batch = this.pending.splice(0);
    return batch.length === 0 ? Promise.resolve() : this.commit(batch);
  }

  /** Runs `fn` after every batch and step queued before it; its failure goes to `onError` and stops nothing else. */
  serial<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.chain.then(fn);
    this.chain = run.catch(this.onError);
    return run;
  }

  /** Resolves once every batch added so far is on disk (or failed). */
  settled(): Promise<unknown> {
    return new Promise((resolve) => setImmediate(resolve)).then(() => this.chain);
  }
}

/**
 * Appends `bytes` to `handle` and waits until they are on disk. On failure, cuts `file` back to
 * `completeBytes` (what was whole before) and rethrows.
 */
export async function appendDurably(handle: FileHandle, file: string, completeBytes: number, bytes: Buffer): Promise<void> {
  try {
    await handle.write(bytes);
    await handle.datasync();
  } catch (err) {
    await truncate(file, completeBytes).catch(() => undefined);
    throw err;
  }
}
