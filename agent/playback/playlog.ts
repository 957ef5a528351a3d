// What the engine has already dealt with, kept on disk (temp + fsync + rename) so that a
// restart never plays an item twice, and a playback cut short by a crash or power loss is still
// reported: the entry that was playing is remembered until it ends, with its decoder's pid.
import path from 'node:path';
import type { Logger } from '../../platform/logger.js';
import type { DeviceEvent } from '../../shared/payloads.js';
import { readJsonFile, writeFileAtomic } from './atomic-file.js';

const FILE = 'playlog.json';
/** Handled entries are remembered this long after their start (longer than any manifest keeps past items). */
const KEEP_MS = 3 * 24 * 3600_000;

/** The playing entry as recorded, enough to report it after a crash. */
export type PlayingRecord = Pick<
  DeviceEvent,
  'itemId' | 'occurrenceId' | 'commandId' | 'emergencyId' | 'class' | 'sha256' | 'url' | 'scheduledAt'
> & { key: string; startedAt: number; pid?: number; stream: boolean; scheduled: boolean };

interface Stored {
  v: 1;
  done: Record<string, number>;
  current: PlayingRecord | null;
}

export class Playlog {
  private done = new Map<string, number>();
  private current: PlayingRecord | null = null;
  private readonly file: string;
  private chain: Promise<unknown> = Promise.resolve();
  private dirty = false;

  constructor(
    dir: string,
    private readonly log: Logger,
  ) {
    this.file = path.join(dir, FILE);
  }

  /** Loads the log; returns what was playing when the previous process ended without saying so. */
  async load(now: number): Promise<PlayingRecord | null> {
    try {
      const stored = (await readJsonFile(this.file)) as Stored | undefined;
      if (stored?.v === 1) {
        this.done = new Map(Object.entries(stored.done).filter(([, at]) => at > now - KEEP_MS));
        this.current = stored.current;
      }
    } catch (err) {
      this.log.error({ err }, 'play log unreadable; starting a new one');
    }
    return this.current;
  }

  isDone(key: string): boolean {
    return this.done.has(key);
  }

  markDone(key: string, startAt: number): void {
    this.done.set(key, startAt);
    this.save();
  }

  /** Forgets an entry (a live stream cut by a crash may be joined again). */
  forget(key: string): void {
    if (this.done.delete(key)) this.save();
  }

  setCurrent(record: PlayingRecord | null): void {
    this.current = record;
    this.save();
  }

  /** Resolves once everything changed so far is on disk. */
  flush(): Promise<unknown> {
    return this.chain;
  }

  private save(): void {
    if (this.dirty) return;
    this.dirty = true;
    // Coalesced: changes made while a write runs go out in the next one.
    this.chain = this.chain
      .then(async () => {
        this.dirty = false;
        const now = Date.now();
        for (const [key, at] of this.done) if (at < now - KEEP_MS) this.done.delete(key);
        const stored: Stored = { v: 1, done: Object.fromEntries(this.done), current: this.current };
        await writeFileAtomic(this.file, JSON.stringify(stored));
      })
      .catch((err) => this.log.error({ err }, 'could not write the play log'));
  }
}
