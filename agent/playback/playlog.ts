// What the engine has already dealt with, kept on disk so that a restart never plays an item
// twice, and a playback cut short by a crash or power loss is still reported: the entry that
// was playing is remembered until it ends, with its decoder's pid. Kept in a journal
// (journal.ts): a start appends a line or two instead of rewriting the whole log.
import path from 'node:path';
import type { Logger } from '../../platform/logger.js';
import type { DeviceEvent } from '../../shared/payloads.js';
import { Journal } from './journal.js';

const FILE = 'playlog.jsonl';
/** The whole-file format of agents before 2026-11, converted at the upgrade. */
const LEGACY_FILE = 'playlog.json';
/** Handled entries are remembered this long after their start (longer than any manifest keeps past items). */
const KEEP_MS = 3 * 24 * 3600_000;
/** Journal keys: `done:<entry key>` → its start; CURRENT → what plays. */
const DONE = 'done:';
const CURRENT = 'current';

/** The playing entry as recorded, enough to report it after a crash. */
export type PlayingRecord = Pick<
  DeviceEvent,
  'itemId' | 'occurrenceId' | 'commandId' | 'emergencyId' | 'class' | 'sha256' | 'url' | 'scheduledAt'
> & { key: string; startedAt: number; pid?: number; stream: boolean; scheduled: boolean };

type Value = number | PlayingRecord | null;

export class Playlog {
  private readonly journal: Journal<Value>;

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
  ) {
    this.journal = new Journal({ file: path.join(dir, FILE), log });
  }

  /** Loads the log; returns what was playing when the previous process ended without saying so. */
  async load(now: number): Promise<PlayingRecord | null> {
    try {
      await this.journal.open({ file: path.join(this.dir, LEGACY_FILE), entries: legacyEntries });
    } catch (err) {
      this.log.error({ err }, 'play log unreadable; starting a new one');
    }
    this.prune(now);
    return (this.journal.entries.get(CURRENT) as PlayingRecord | null | undefined) ?? null;
  }

  isDone(key: string): boolean {
    return this.journal.entries.has(DONE + key);
  }

  markDone(key: string, startAt: number): void {
    void this.journal.set(DONE + key, startAt);
    this.prune(Date.now());
  }

  /** Forgets an entry (a live stream cut by a crash may be joined again). */
  forget(key: string): void {
    void this.journal.delete(DONE + key);
  }

  setCurrent(record: PlayingRecord | null): void {
    void this.journal.set(CURRENT, record);
  }

  /** Resolves once everything changed so far is on disk. */
  flush(): Promise<unknown> {
    return this.journal.flush();
  }

  /** Drops handled entries older than KEEP_MS (a few hundred at most: a scan is cheap). */
  private prune(now: number): void {
    for (const [key, value] of this.journal.entries) {
      if (key.startsWith(DONE) && (value as number) < now - KEEP_MS) void this.journal.delete(key);
    }
  }
}

/** `{v: 1, done: {key: startAt}, current}`, the file agents wrote before the journal. */
function legacyEntries(stored: unknown): [string, Value][] | undefined {
  const s = stored as { v?: unknown; done?: Record<string, number>; current?: PlayingRecord | null };
  if (s?.v !== 1 || typeof s.done !== 'object' || s.done === null) return undefined;
  return [...Object.entries(s.done).map(([key, at]): [string, Value] => [DONE + key, at]), [CURRENT, s.current ?? null]];
}
