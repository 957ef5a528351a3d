// The agent reports the version of the package it runs from, read once from package.json. Found
// by walking up from this file (agent/ from source, dist/agent/ when built), not via
// platform/paths, which also needs the controller's migrations folder to exist.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function agentVersion(): string {
  cached ??= readVersion(path.dirname(fileURLToPath(import.meta.url)));
  return cached;
}

function readVersion(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      // The wire allows 64 characters; a longer version is a packaging bug, not a reason not to run.
      if (pkg.name === 'loa' && typeof pkg.version === 'string') return pkg.version.slice(0, 64);
    }
    if (path.dirname(dir) === dir) return '0.0.0-unknown';
  }
}
