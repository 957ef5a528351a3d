#!/usr/bin/env node
// The `loa` command: runs the compiled CLI (built by `npm install` / `npm run build`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('loa: the compiled code is missing; run `npm run build` (npm install does it) first');
  process.exit(1);
}
await import(entry.href);
