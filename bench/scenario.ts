// The shape every benchmark scenario returns, so `npm run bench` can put them side by side in
// bench/RESULTS.md and bench/results.json. A scenario measures; it never asserts.

export interface Figure {
  /** What was measured, e.g. "p99 ingest latency". */
  label: string;
  value: number | null;
  unit: string;
  /** The target from the issue or the architecture notes, e.g. "≤ 300 ms". */
  target?: string;
  /** Whether the target is met; absent when there is no target. */
  met?: boolean;
}

export interface ScenarioResult {
  /** Scenario id, e.g. "transcode". */
  name: string;
  /** The size it ran at, e.g. { agents: 20000, durationS: 60 }. */
  params: Record<string, number | string>;
  figures: Figure[];
  /** Why a target was missed, what was changed, before/after figures. */
  notes: string[];
}

export interface ScenarioOptions {
  /** Tiny size for `npm test` (a few agents, a few seconds), so the bench code cannot rot. */
  tiny: boolean;
  /** Per-scenario size overrides from the command line. */
  params: Record<string, string>;
  /** Folder for scratch files; removed afterwards by the runner. */
  workDir: string;
  log: (message: string) => void;
}

export type Scenario = (options: ScenarioOptions) => Promise<ScenarioResult>;

/**
 * Thrown by a scenario that cannot run on this machine (a missing reference program, say). The
 * runner records it as skipped with this message, which should say how to make it runnable.
 */
export class ScenarioSkipped extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioSkipped';
  }
}
