// The command line of `npm run bench`: scenario names, `--name=value` size overrides passed to
// every scenario that runs (ScenarioOptions.params), and the runner's own options.
//   npm run bench -- transcode api --durationS=30 --out=/tmp/bench --tiny

export interface BenchArgs {
  /** Scenarios to run, in the order given; empty = all. */
  names: string[];
  /** Size overrides, e.g. { agents: '1000', durationS: '30' }. */
  params: Record<string, string>;
  /** Folder for results.json and RESULTS.md; unset = bench/ of the current directory. */
  outDir?: string;
  /** Run every scenario at its tiny size (what `npm test` runs). */
  tiny: boolean;
  help: boolean;
}

export class BenchArgsError extends Error {}

const RUNNER_OPTIONS = new Set(['out', 'tiny', 'help']);

export function parseBenchArgs(argv: readonly string[], known: readonly string[]): BenchArgs {
  const args: BenchArgs = { names: [], params: {}, tiny: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') {
      args.help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      if (!known.includes(arg)) throw new BenchArgsError(`unknown scenario "${arg}"; known: ${known.join(', ')}`);
      if (!args.names.includes(arg)) args.names.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const key = arg.slice(2, eq < 0 ? undefined : eq);
    if (!/^[A-Za-z][\w-]*$/.test(key)) throw new BenchArgsError(`bad option "${arg}"`);
    let value: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    if (key === 'tiny') {
      args.tiny = value === undefined || value === 'true' || value === '1';
      continue;
    }
    // `--out DIR` as well as `--out=DIR`; size overrides always use `=`, so a scenario name after
    // them is never taken for their value.
    if (key === 'out' && value === undefined && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) value = argv[++i];
    if (value === undefined || value === '') throw new BenchArgsError(`option "--${key}" needs a value (--${key}=…)`);
    if (key === 'out') args.outDir = value;
    else if (!RUNNER_OPTIONS.has(key)) args.params[key] = value;
  }
  return args;
}

export function usage(known: readonly string[]): string {
  return [
    'usage: npm run bench -- [scenario …] [--name=value …] [--out=DIR] [--tiny]',
    `scenarios: ${known.join(', ')} (default: all)`,
    'size overrides (e.g. --agents=1000 --durationS=30) go to every scenario that runs; see docs/bench.md',
  ].join('\n');
}
