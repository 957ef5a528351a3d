// Files that ship with the package (migrations, seeds, web console) are found from the package
// root, whether the code runs from source (tsx, vitest) or from dist/.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'migrations'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the Loa package root above ${start}`);
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
export const MIGRATIONS_DIR = path.join(PACKAGE_ROOT, 'migrations');
export const SEEDS_DIR = path.join(PACKAGE_ROOT, 'seeds');
