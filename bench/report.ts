// bench/results.json and bench/RESULTS.md. A run of some scenarios merges into the files of
// earlier runs instead of dropping their figures; each scenario keeps when, on what commit and
// at what size it was measured, so a reader can tell a fresh figure from an old one.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MachineInfo } from './machine.js';
import type { ScenarioResult } from './scenario.js';

export type ScenarioStatus = 'ok' | 'failed' | 'skipped';

export interface RecordedScenario extends ScenarioResult {
  status: ScenarioStatus;
  /** Why it failed or was skipped. */
  error?: string;
  tiny: boolean;
  measuredAt: string;
  commit: string | null;
  durationS: number;
}

/**
 * One fix made because a figure missed or a profile showed a cause, with the figures before and
 * after (kept by hand in bench/changes.json, the same for every run; copied into both results files).
 */
export interface RecordedChange {
  date: string;
  commit: string;
  scenario: string;
  cause: string;
  change: string;
  before: string;
  after: string;
}

export interface ResultsFile {
  /** The machine of the latest run (an older scenario's machine is in its own `machine`). */
  machine: MachineInfo;
  scenarios: Record<string, RecordedScenario & { machine?: MachineInfo }>;
  changes?: RecordedChange[];
}

export const CHANGES_JSON = 'changes.json';

/** The change log beside the results; [] when there is none. Throws on a malformed one (a bench bug to fix, not to hide). */
export function readChanges(file: string): RecordedChange[] {
  if (!existsSync(file)) return [];
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const fields = ['date', 'commit', 'scenario', 'cause', 'change', 'before', 'after'] as const;
  if (!Array.isArray(parsed) || !parsed.every((c) => typeof c === 'object' && c !== null && fields.every((f) => typeof (c as Record<string, unknown>)[f] === 'string'))) {
    throw new Error(`${file}: expected an array of {${fields.join(', ')}} with string values`);
  }
  return parsed as RecordedChange[];
}

export const RESULTS_JSON = 'results.json';
export const RESULTS_MD = 'RESULTS.md';

export function readResults(outDir: string): ResultsFile | null {
  const file = path.join(outDir, RESULTS_JSON);
  if (!existsSync(file)) return null;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as ResultsFile;
    return parsed && typeof parsed.scenarios === 'object' && parsed.machine ? parsed : null;
  } catch {
    return null;
  }
}

/** The new run's scenarios replace the same names; the others stay, tagged with their machine. */
export function mergeResults(previous: ResultsFile | null, machine: MachineInfo, fresh: RecordedScenario[], changes: RecordedChange[] = []): ResultsFile {
  const scenarios: ResultsFile['scenarios'] = {};
  for (const [name, old] of Object.entries(previous?.scenarios ?? {})) {
    scenarios[name] = { ...old, machine: old.machine ?? previous!.machine };
  }
  for (const result of fresh) scenarios[result.name] = result;
  return { machine, scenarios, ...(changes.length ? { changes } : {}) };
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function row(cells: string[]): string {
  return `|${cells.map((c) => (c ? ` ${cell(c)} ` : ' ')).join('|')}|`;
}

export function formatValue(value: number | null, unit: string): string {
  if (value === null || !Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  const shown = abs >= 1000 ? Math.round(value).toLocaleString('en-US') : String(Math.round(value * 1000) / 1000);
  return unit ? `${shown} ${unit}` : shown;
}

function metMark(met: boolean | undefined): string {
  if (met === undefined) return '';
  return met ? '✅' : '❌';
}

function machineLine(m: MachineInfo): string {
  const v = m.versions;
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os}; Node ${m.node}; aedes ${v.aedes ?? '?'}, mosquitto ${v.mosquitto ?? 'absent'}, ffmpeg ${v.ffmpeg ?? '?'}, SQLite ${v.sqlite ?? '?'}`;
}

export function renderMarkdown(results: ResultsFile): string {
  const lines = [
    '# Loa benchmark results',
    '',
    'Written by `npm run bench` (see [docs/bench.md](../docs/bench.md)). Do not edit by hand: the next run merges into it.',
    '',
    `Latest run: ${results.machine.date} on commit ${results.machine.commit ?? 'unknown'}  `,
    `Machine: ${machineLine(results.machine)}`,
    '',
    '| scenario | figure | value | target | met |',
    '|---|---|---|---|---|',
  ];
  const entries = Object.values(results.scenarios);
  for (const s of entries) {
    if (s.status !== 'ok') {
      lines.push(row([s.name, s.status, s.error ?? '', '', s.status === 'failed' ? '❌' : '']));
      continue;
    }
    for (const f of s.figures) {
      lines.push(row([s.name, f.label, formatValue(f.value, f.unit), f.target ?? '', metMark(f.met)]));
    }
  }
  lines.push('', '## Notes per scenario', '');
  for (const s of entries) {
    const size = Object.entries(s.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    lines.push(`### ${s.name}`, '');
    lines.push(
      `Measured ${s.measuredAt} on commit ${s.commit ?? 'unknown'}${s.tiny ? ' (tiny size: code check, not a measurement)' : ''}; ` +
        `${s.status}; ${size || 'default size'}; took ${Math.round(s.durationS)} s.`,
    );
    if (s.machine && s.machine.date !== results.machine.date) lines.push(`Machine then: ${machineLine(s.machine)}.`);
    if (s.error) lines.push('', `${s.status === 'skipped' ? 'Skipped' : 'Failed'}: ${s.error}`);
    if (s.notes.length) lines.push('', ...s.notes.map((n) => `- ${n}`));
    lines.push('');
  }
  if (results.changes?.length) {
    lines.push('## Changes made from the figures and profiles', '', `Kept in bench/${CHANGES_JSON} and copied here at every run. Before and after were measured on the same machine, back to back where the row says so.`, '');
    lines.push('| date | commit | scenario | cause found | change | before | after |', '|---|---|---|---|---|---|---|');
    for (const c of results.changes) lines.push(row([c.date, c.commit, c.scenario, c.cause, c.change, c.before, c.after]));
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Writes both files through a temporary name, so an interrupted run never leaves half a file. */
export function writeResults(outDir: string, results: ResultsFile): { json: string; markdown: string } {
  mkdirSync(outDir, { recursive: true });
  const json = path.join(outDir, RESULTS_JSON);
  const markdown = path.join(outDir, RESULTS_MD);
  for (const [file, text] of [
    [json, `${JSON.stringify(results, null, 2)}\n`],
    [markdown, renderMarkdown(results)],
  ] as const) {
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
  }
  return { json, markdown };
}
