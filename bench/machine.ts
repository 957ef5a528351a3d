// What the figures were measured on: CPU, memory, OS, Node and the versions of the programs
// the scenarios compare (aedes, mosquitto, ffmpeg, SQLite), the date and the git commit.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { resolveMediaBinaries } from '../controller/media/binaries.js';
import { loadConfig } from '../platform/config.js';

const run = promisify(execFile);

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  versions: { aedes: string | null; mosquitto: string | null; ffmpeg: string | null; sqlite: string | null };
  date: string;
  commit: string | null;
}

/** The repository root: the nearest folder above this file that has a package.json. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

async function firstLine(binary: string, args: string[], pattern: RegExp): Promise<string | null> {
  try {
    const { stdout, stderr } = await run(binary, args, { timeout: 10_000 });
    return pattern.exec(`${stdout}\n${stderr}`)?.[1] ?? null;
  } catch (err) {
    // mosquitto -h prints its version and exits with 3.
    const e = err as { stdout?: string; stderr?: string };
    return pattern.exec(`${e.stdout ?? ''}\n${e.stderr ?? ''}`)?.[1] ?? null;
  }
}

function packageVersion(root: string, name: string): string | null {
  try {
    return (JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

export function mosquittoBinary(): string | null {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin']) {
    if (dir && existsSync(path.join(dir, 'mosquitto'))) return path.join(dir, 'mosquitto');
  }
  return null;
}

export async function describeMachine(): Promise<MachineInfo> {
  const root = repoRoot();
  const cpus = os.cpus();
  const mosquitto = mosquittoBinary();
  let ffmpeg: string | null = null;
  try {
    ffmpeg = await firstLine(resolveMediaBinaries(loadConfig(process.env)).ffmpeg, ['-version'], /ffmpeg version (\S+)/);
  } catch {}
  let sqlite: string | null = null;
  try {
    const db = new Database(':memory:');
    sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    db.close();
  } catch {}
  const commit = await firstLine('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], /^([0-9a-f]{7,40})/m);
  const dirty = commit ? await firstLine('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no'], /^(.)/m) : null;
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    versions: {
      aedes: packageVersion(root, 'aedes'),
      mosquitto: mosquitto ? await firstLine(mosquitto, ['-h'], /mosquitto version (\S+)/) : null,
      ffmpeg,
      sqlite,
    },
    date: new Date().toISOString(),
    commit: commit && dirty ? `${commit}+uncommitted` : commit,
  };
}
