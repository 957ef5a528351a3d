// `npm run bench [-- scenario … --name=value … --out=DIR --tiny]`: runs the scenarios one after
// the other, each in its own scratch folder (removed afterwards), and merges their figures into
// results.json and RESULTS.md. A scenario that throws is recorded as failed and the rest still
// run; one that throws ScenarioSkipped is recorded as skipped with its reason.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BenchArgsError, parseBenchArgs, usage } from './args.js';
import { describeMachine, repoRoot } from './machine.js';
import { CHANGES_JSON, mergeResults, type RecordedScenario, readChanges, readResults, writeResults } from './report.js';
import { type Scenario, ScenarioSkipped } from './scenario.js';
import { SCENARIOS } from './scenarios/index.js';

export interface RunOptions {
  scenarios?: Record<string, Scenario>;
  log?: (message: string) => void;
}

export interface RunOutcome {
  outDir: string;
  results: RecordedScenario[];
  files: { json: string; markdown: string };
}

export async function runBench(argv: readonly string[], options: RunOptions = {}): Promise<RunOutcome> {
  const scenarios = options.scenarios ?? SCENARIOS;
  const log = options.log ?? ((message: string) => console.log(message));
  const args = parseBenchArgs(argv, Object.keys(scenarios));
  const outDir = path.resolve(args.outDir ?? path.join(repoRoot(), 'bench'));
  const names = args.names.length ? args.names : Object.keys(scenarios);
  // Read first: a malformed change log stops the run before it has measured anything.
  const changes = readChanges(path.join(repoRoot(), 'bench', CHANGES_JSON));
  const machine = await describeMachine();
  log(`bench: ${names.join(', ')}${args.tiny ? ' (tiny)' : ''} on ${machine.cpu}, ${machine.cores} cores`);
  const results: RecordedScenario[] = [];
  for (const name of names) {
    const workDir = mkdtempSync(path.join(os.tmpdir(), `loa-bench-${name}-`));
    const started = performance.now();
    const measuredAt = new Date().toISOString();
    const base = { name, tiny: args.tiny, measuredAt, commit: machine.commit };
    log(`── ${name}`);
    let recorded: RecordedScenario;
    try {
      const result = await scenarios[name]!({ tiny: args.tiny, params: args.params, workDir, log: (m) => log(`   ${m}`) });
      recorded = { ...result, ...base, status: 'ok', durationS: seconds(started) };
      for (const f of result.figures) log(`   ${f.label}: ${f.value ?? 'n/a'} ${f.unit}${f.target ? ` (target ${f.target} ${f.met ? 'met' : 'missed'})` : ''}`);
    } catch (err) {
      const skipped = err instanceof ScenarioSkipped;
      const message = err instanceof Error ? err.message : String(err);
      log(`   ${skipped ? 'skipped' : 'FAILED'}: ${message}`);
      if (!skipped && err instanceof Error && err.stack) log(err.stack);
      recorded = { ...base, params: args.params, figures: [], notes: [], status: skipped ? 'skipped' : 'failed', error: message, durationS: seconds(started) };
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
    results.push(recorded);
  }
  const files = writeResults(outDir, mergeResults(readResults(outDir), machine, results, changes));
  log(`bench: wrote ${files.markdown} and ${files.json}`);
  return { outDir, results, files };
}

function seconds(since: number): number {
  return Math.round((performance.now() - since) / 100) / 10;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage(Object.keys(SCENARIOS)));
    return;
  }
  try {
    const { results } = await runBench(argv);
    // Missed targets are findings, not errors; a scenario that crashed is an error.
    if (results.some((r) => r.status === 'failed')) process.exitCode = 1;
  } catch (err) {
    if (err instanceof BenchArgsError) {
      console.error(`bench: ${err.message}\n${usage(Object.keys(SCENARIOS))}`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
  // A scenario that leaked a timer or socket must not keep the bench from finishing.
  process.exit();
}
