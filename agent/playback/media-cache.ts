// The media cache: `cache/<sha256>` holds only verified files (renamed in after the hash
// matched), `cache/partial/<sha256>` the downloads in progress. Bounded by the manifest's
// cacheMaxBytes: to make room it evicts first the files no manifest item needs any more (least
// recently used first), then the ones needed furthest in the future — never one that is
// playing or about to play.
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../platform/logger.js';
import { fsyncDir, isTempName } from './atomic-file.js';

const HASH = /^[0-9a-f]{64}$/;

/** When the next use of a hash is (ms epoch), or undefined when nothing needs it. */
export type NextUse = (sha256: string) => number | undefined;

export class MediaCache {
  readonly dir: string;
  private readonly partialDir: string;
  private readonly files = new Map<string, { bytes: number; usedAt: number }>();
  private readonly partials = new Map<string, number>();
  private readonly pins = new Map<string, number>();

  constructor(
    dataDir: string,
    private readonly log: Logger,
  ) {
    this.dir = path.join(dataDir, 'cache');
    this.partialDir = path.join(this.dir, 'partial');
  }

  async open(): Promise<void> {
    await mkdir(this.partialDir, { recursive: true });
    for (const name of await readdir(this.dir)) {
      const file = path.join(this.dir, name);
      if (isTempName(name)) await rm(file, { force: true });
      if (!HASH.test(name)) continue;
      const s = await stat(file);
      this.files.set(name, { bytes: s.size, usedAt: s.mtimeMs });
    }
    for (const name of await readdir(this.partialDir)) {
      if (HASH.test(name)) this.partials.set(name, (await stat(path.join(this.partialDir, name))).size);
      else await rm(path.join(this.partialDir, name), { force: true });
    }
  }

  has(sha256: string): boolean {
    return this.files.has(sha256);
  }

  pathOf(sha256: string): string {
    return path.join(this.dir, sha256);
  }

  partialPathOf(sha256: string): string {
    return path.join(this.partialDir, sha256);
  }

  /** Bytes on disk: cached files and partial downloads. */
  get bytes(): number {
    let total = 0;
    for (const f of this.files.values()) total += f.bytes;
    for (const b of this.partials.values()) total += b;
    return total;
  }

  /** Marks a file as in use (prepared or playing) so eviction leaves it alone. Returns the release. */
  pin(sha256: string): () => void {
    this.pins.set(sha256, (this.pins.get(sha256) ?? 0) + 1);
    const f = this.files.get(sha256);
    if (f) f.usedAt = Date.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.pins.get(sha256) ?? 1) - 1;
      if (n <= 0) this.pins.delete(sha256);
      else this.pins.set(sha256, n);
    };
  }

  /** Moves a verified download into the cache (atomic rename, made durable). */
  async commit(sha256: string, partialPath: string, bytes: number): Promise<void> {
    await rename(partialPath, this.pathOf(sha256));
    await fsyncDir(this.dir);
    this.partials.delete(sha256);
    this.files.set(sha256, { bytes, usedAt: Date.now() });
  }

  /** Records the size of a partial download after an attempt (0 = gone). */
  notePartial(sha256: string, bytes: number): void {
    if (bytes > 0) this.partials.set(sha256, bytes);
    else this.partials.delete(sha256);
  }

  /** Drops partial downloads of files nothing needs any more. */
  async dropUnneededPartials(nextUse: NextUse): Promise<void> {
    for (const sha of [...this.partials.keys()]) {
      if (nextUse(sha) !== undefined) continue;
      await rm(this.partialPathOf(sha), { force: true });
      this.partials.delete(sha);
    }
  }

  /**
   * Evicts until `needed` more bytes fit under `maxBytes` (0 = unbounded). Files needed before
   * `forUseAt` are never evicted for it. Returns whether the room is there.
   */
  async makeRoom(needed: number, maxBytes: number, nextUse: NextUse, forUseAt = Number.POSITIVE_INFINITY): Promise<boolean> {
    if (maxBytes <= 0) return true;
    let used = this.bytes;
    if (used + needed <= maxBytes) return true;
    const free = [...this.files.entries()].filter(([sha]) => !this.pins.has(sha));
    const unneeded = free.filter(([sha]) => nextUse(sha) === undefined).sort((a, b) => a[1].usedAt - b[1].usedAt);
    const later = free
      .filter(([sha]) => (nextUse(sha) ?? 0) > forUseAt)
      .sort((a, b) => (nextUse(b[0]) ?? 0) - (nextUse(a[0]) ?? 0));
    for (const [sha, f] of [...unneeded, ...later]) {
      if (used + needed <= maxBytes) break;
      await rm(this.pathOf(sha), { force: true });
      this.files.delete(sha);
      used -= f.bytes;
      this.log.info({ sha256: sha, bytes: f.bytes, needed: nextUse(sha) !== undefined }, 'evicted from the media cache');
    }
    return used + needed <= maxBytes;
  }
}
