// The content-addressed file store. Delivery files live at `<root>/<sha256>.<ext>`, originals at
// `<root>/originals/<sha256>`, work in progress in `<root>/tmp/`. A file reaches its final name
// only complete: written under a temporary name, fsynced, hashed, renamed, and the directory
// fsynced — so a crash or power cut never leaves a half file where an agent could fetch it.
// Identical content is stored once: adopting a file whose hash is already present drops the copy.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

export const SHA256_PATTERN = /^[0-9a-f]{64}$/;

export interface Adopted {
  sha256: string;
  path: string;
  sizeBytes: number;
  /** True when the same content was already stored (the new copy was dropped). */
  existed: boolean;
}

export class MediaStore {
  readonly originalsDir: string;
  readonly tmpDir: string;

  constructor(readonly root: string) {
    this.originalsDir = path.join(root, 'originals');
    this.tmpDir = path.join(root, 'tmp');
  }

  async init(): Promise<void> {
    await fs.mkdir(this.originalsDir, { recursive: true });
    await fs.mkdir(this.tmpDir, { recursive: true });
  }

  /** Work files left by a crash are never valid; only this process writes here. */
  async clearTemp(): Promise<number> {
    const names = await fs.readdir(this.tmpDir).catch(() => [] as string[]);
    await Promise.all(names.map((n) => fs.rm(path.join(this.tmpDir, n), { force: true })));
    return names.length;
  }

  tempPath(ext = 'part'): string {
    return path.join(this.tmpDir, `${randomUUID()}.${ext}`);
  }

  deliveryPath(sha256: string, ext: string): string {
    if (!SHA256_PATTERN.test(sha256) || !/^[a-z0-9]{1,8}$/.test(ext)) throw new Error(`not a content address: ${sha256}.${ext}`);
    return path.join(this.root, `${sha256}.${ext}`);
  }

  originalPath(sha256: string): string {
    if (!SHA256_PATTERN.test(sha256)) throw new Error(`not a content address: ${sha256}`);
    return path.join(this.originalsDir, sha256);
  }

  /** Moves a finished delivery file into the store under its hash. */
  async adoptDelivery(tempPath: string, ext: string): Promise<Adopted> {
    const sha256 = await hashFile(tempPath);
    return this.adopt(tempPath, this.deliveryPath(sha256, ext), sha256);
  }

  /** Moves an upload into the store; its hash was computed while it streamed in. */
  async adoptOriginal(tempPath: string, sha256: string): Promise<Adopted> {
    return this.adopt(tempPath, this.originalPath(sha256), sha256);
  }

  private async adopt(tempPath: string, finalPath: string, sha256: string): Promise<Adopted> {
    const handle = await fs.open(tempPath, 'r+');
    let sizeBytes: number;
    try {
      await handle.sync();
      sizeBytes = (await handle.stat()).size;
    } finally {
      await handle.close();
    }
    const existing = await fs.stat(finalPath).catch(() => null);
    if (existing?.size === sizeBytes) {
      await fs.rm(tempPath, { force: true });
      return { sha256, path: finalPath, sizeBytes, existed: true };
    }
    await fs.rename(tempPath, finalPath);
    await syncDirectory(path.dirname(finalPath));
    return { sha256, path: finalPath, sizeBytes, existed: false };
  }

  async remove(filePath: string): Promise<boolean> {
    try {
      await fs.unlink(filePath);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }
}

export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
