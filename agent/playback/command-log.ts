// Answers already given, by command id, kept on disk: a command can arrive twice (through
// `areas/{code}/cmd` and again on `devices/{id}/cmd`, or re-sent by the controller after a
// reconnect because our answer was lost) and must be executed once. A repeat is answered with
// the stored result again. Kept in a journal (journal.ts): one appended line per answer.
import path from 'node:path';
import type { Logger } from '../../platform/logger.js';
import type { CommandResultPayload } from '../../shared/payloads.js';
import { Journal } from './journal.js';

const FILE = 'commands.jsonl';
/** The whole-file format of agents before 2026-11, converted at the upgrade. */
const LEGACY_FILE = 'commands.json';
const KEEP = 500;

export type StoredResult = Pick<CommandResultPayload, 'status' | 'error'> & { at: number };

export class CommandLog {
  private readonly journal: Journal<StoredResult>;

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
  ) {
    this.journal = new Journal({ file: path.join(dir, FILE), log });
  }

  async load(): Promise<void> {
    try {
      await this.journal.open({
        file: path.join(this.dir, LEGACY_FILE),
        entries: (stored) => (Array.isArray(stored) ? (stored as [string, StoredResult][]) : undefined),
      });
    } catch (err) {
      this.log.error({ err }, 'command log unreadable; answers given before are forgotten');
    }
  }

  get(id: string): StoredResult | undefined {
    return this.journal.entries.get(id);
  }

  /** Records a result; resolves once it is on disk (or writing it failed, which is logged). */
  async record(id: string, result: StoredResult): Promise<void> {
    const written = this.journal.set(id, result);
    // Oldest first: a Map keeps insertion order.
    for (const old of this.journal.entries.keys()) {
      if (this.journal.entries.size <= KEEP) break;
      void this.journal.delete(old);
    }
    await written;
  }
}
