// Crash-safe file writes (conventions: "a crash or power cut never corrupts stored state"):
// write a temp file in the same folder, fsync it, rename it over the target, fsync the folder
// so the rename itself is durable. A reader sees the old file or the new one, never half of one.
import { open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** fsync a directory, making renames and unlinks in it durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

let counter = 0;

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${++counter}.tmp`);
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  await rename(temp, file);
  await fsyncDir(path.dirname(file));
}

/** Reads and parses a JSON file; undefined when it does not exist. Throws on unreadable or invalid JSON. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as unknown;
}

/** Removes temp files a crash left behind (they were never renamed, so they hold nothing valid). */
export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}
