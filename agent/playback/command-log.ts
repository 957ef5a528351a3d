// Answers already given, by command id, kept on disk: a command can arrive twice (through
// `areas/{code}/cmd` and again on `devices/{id}/cmd`, or re-sent by the controller after a
// reconnect because our answer was lost) and must be executed once. A repeat is answered with
// the stored result again.
import path from 'node:path';
import type { Logger } from '../../platform/logger.js';
import type { CommandResultPayload } from '../../shared/payloads.js';
import { readJsonFile, writeFileAtomic } from './atomic-file.js';

const FILE = 'commands.json';
const KEEP = 500;

export type StoredResult = Pick<CommandResultPayload, 'status' | 'error'> & { at: number };

export class CommandLog {
  private results = new Map<string, StoredResult>();
  private readonly file: string;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    dir: string,
    private readonly log: Logger,
  ) {
    this.file = path.join(dir, FILE);
  }

  async load(): Promise<void> {
    try {
      const stored = (await readJsonFile(this.file)) as [string, StoredResult][] | undefined;
      if (Array.isArray(stored)) this.results = new Map(stored);
    } catch (err) {
      this.log.error({ err }, 'command log unreadable; starting a new one');
    }
  }

  get(id: string): StoredResult | undefined {
    return this.results.get(id);
  }

  /** Records a result; resolves once it is on disk. */
  record(id: string, result: StoredResult): Promise<void> {
    this.results.set(id, result);
    while (this.results.size > KEEP) this.results.delete(this.results.keys().next().value!);
    const run = this.chain.then(() => writeFileAtomic(this.file, JSON.stringify([...this.results])));
    this.chain = run.catch((err) => this.log.error({ err }, 'could not write the command log'));
    return run.catch(() => undefined);
  }
}
