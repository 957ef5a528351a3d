#!/usr/bin/env node
// The `loa` command: runs the compiled CLI (built by `npm install` / `npm run build`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('loa: the compiled code is missing; run `npm run build` (npm install does it) first');
  process.exit(1);
}

// `loa agent --config FILE` is what every loudspeaker cluster runs, for months: it goes straight
// to the agent, without the CLI framework and the controller's configuration and logging that the
// other commands load first (about 8 MB of an idle agent's 60 MB budget; Node itself takes 40).
// Anything else, `--help` included, goes through the full CLI.
const args = process.argv.slice(2);
const configFile = args[0] === 'agent' ? agentConfigArgument(args.slice(1)) : null;
if (configFile) {
  const { runAgent } = await import('../dist/agent/main.js');
  process.exit(await runAgent(configFile));
} else {
  await import(entry.href);
}

/** The file of `--config FILE` or `--config=FILE` when that is the only option, else null. */
function agentConfigArgument(rest) {
  if (rest.length === 2 && rest[0] === '--config' && rest[1] && !rest[1].startsWith('-')) return rest[1];
  if (rest.length === 1 && rest[0].startsWith('--config=') && rest[0].length > '--config='.length) return rest[0].slice('--config='.length);
  return null;
}
