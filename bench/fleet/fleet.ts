// The fleet simulator's parent side: splits the credentials over worker processes, starts them
// (through `sh -c 'ulimit -n …'` when the open-file limit can be raised), adds up their reports
// and stops them. Used by `loa simulate` and by the fleet benchmark scenarios.
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { FleetCredential } from './credentials.js';
import { explainSocketError, openFileLimit } from './limits.js';
import { cpuSeconds } from '../proc.js';
import type { FromWorker, ToWorker, WorkerOptions, WorkerStats } from './protocol.js';
import type { PlayStart } from './sim-player.js';

export type FleetPlay = PlayStart & { deviceId: string };

export interface FleetOptions extends Omit<WorkerOptions, 'rampPerS' | 'reportEveryMs' | 'maxConnecting'> {
  credentials: FleetCredential[];
  processes: number;
  /** New agents per second over the whole fleet (default 500). */
  rampPerS?: number;
  reportEveryMs?: number;
  /** Agents connecting at once over the whole fleet (default 400). */
  maxConnecting?: number;
  /**
   * CPU priority of the worker processes (nice, default 10). Real clusters bring their own
   * CPUs; on one machine the simulated fleet must not take the cores from the Loa it measures.
   */
  nice?: number;
}

export interface FleetTotals {
  agents: number;
  started: number;
  connected: number;
  beats: number;
  beatsSkipped: number;
  connects: number;
  disconnects: number;
  refused: number;
  errors: Record<string, number>;
  rssBytes: number;
  workersAlive: number;
}

/** One line per limit the fleet ran into, in plain words. */
export function limitMessages(errors: Record<string, number>): string[] {
  return Object.entries(errors).flatMap(([code, n]) => {
    const why = explainSocketError(code);
    return why ? [`${why} (${n}×)`] : [];
  });
}

function workerCommand(): { file: string; execArgv: string[] } {
  // Under vitest/tsx the sources are TypeScript; from `npm run bench` they are compiled to dist/.
  const ts = import.meta.url.endsWith('.ts');
  return { file: fileURLToPath(new URL(ts ? './sim-worker.ts' : './sim-worker.js', import.meta.url)), execArgv: ts ? ['--import', 'tsx'] : [] };
}

export class Fleet extends EventEmitter<{ stats: [FleetTotals]; play: [FleetPlay]; fatal: [string] }> {
  private readonly workers: { child: ChildProcess; last: WorkerStats | undefined; alive: boolean }[] = [];
  private readonly cumulative = { beats: 0, beatsSkipped: 0, errors: {} as Record<string, number> };
  readonly notes: string[] = [];

  private constructor(private readonly options: FleetOptions) {
    super();
    this.setMaxListeners(0);
  }

  static start(options: FleetOptions): Fleet {
    const fleet = new Fleet(options);
    fleet.spawnAll();
    return fleet;
  }

  private lowerPriority(pid: number | undefined): string {
    const nice = this.options.nice ?? 10;
    try {
      if (pid !== undefined && nice !== 0) setPriority(pid, nice);
      return `simulator processes run at nice ${nice} (below the Loa they measure)`;
    } catch (err) {
      return `could not lower the simulator's CPU priority (${(err as Error).message}): it competes with Loa for the cores`;
    }
  }

  private spawnAll(): void {
    const { credentials, processes } = this.options;
    const count = Math.max(1, Math.min(processes, credentials.length || 1));
    const perWorker = Math.ceil(credentials.length / count);
    const { file, execArgv } = workerCommand();
    const limit = openFileLimit();
    const needed = perWorker + 200;
    // LOA_SIM_CPU_PROF=<dir>: each worker writes a V8 CPU profile there when it exits (docs/bench.md).
    const profile = process.env.LOA_SIM_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.LOA_SIM_CPU_PROF}`] : [];
    let argv = [process.execPath, ...execArgv, ...profile, file];
    if (limit && limit.soft < limit.hard && limit.soft < needed) {
      // Node cannot call setrlimit; the shell's ulimit raises the soft limit up to the hard one.
      const target = Number.isFinite(limit.hard) ? String(limit.hard) : 'unlimited';
      argv = ['/bin/sh', '-c', `ulimit -n ${target} 2>/dev/null; exec "$@"`, 'sh', ...argv];
      this.notes.push(`worker open-file limit raised from ${limit.soft} to ${target}`);
    }
    if (limit && limit.hard < needed) {
      this.notes.push(`each worker needs about ${needed} open files but the hard limit is ${limit.hard}: expect EMFILE; use more --processes`);
    }
    const rampPerS = this.options.rampPerS ?? 500;
    let priorityNote = '';
    for (let i = 0; i < count; i++) {
      const share = credentials.slice(i * perWorker, (i + 1) * perWorker);
      const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, LOA_LOG_LEVEL: process.env.LOA_SIM_LOG_LEVEL ?? 'silent' } });
      priorityNote = this.lowerPriority(child.pid);
      const worker = { child, last: undefined as WorkerStats | undefined, alive: true };
      this.workers.push(worker);
      child.on('message', (message: FromWorker) => this.onMessage(worker, message));
      child.on('exit', () => {
        worker.alive = false;
      });
      const workerOptions: WorkerOptions = {
        ...this.options,
        // Each worker starts at a different address so the first connections spread too.
        sourceAddresses: rotate(this.options.sourceAddresses, i),
        rampPerS: Math.max(1, rampPerS / count),
        maxConnecting: Math.max(1, Math.ceil((this.options.maxConnecting ?? 400) / count)),
        reportEveryMs: this.options.reportEveryMs ?? 250,
      };
      delete (workerOptions as Partial<FleetOptions>).credentials;
      child.send({ type: 'start', credentials: share, options: workerOptions, index: i } satisfies ToWorker);
    }
    this.notes.push(priorityNote);
  }

  private onMessage(worker: Fleet['workers'][number], message: FromWorker): void {
    if (message.type === 'fatal') {
      this.notes.push(`worker failed: ${message.message.split('\n')[0]}`);
      this.emit('fatal', message.message);
      return;
    }
    if (message.type !== 'stats') return;
    worker.last = message.stats;
    this.cumulative.beats += message.stats.beats;
    this.cumulative.beatsSkipped += message.stats.beatsSkipped;
    for (const [code, n] of Object.entries(message.stats.errors)) this.cumulative.errors[code] = (this.cumulative.errors[code] ?? 0) + n;
    for (const play of message.stats.plays) this.emit('play', play);
    this.emit('stats', this.totals());
  }

  /** CPU milliseconds the live worker processes have used so far (null where /proc cannot tell). */
  cpuMs(): number | null {
    let total = 0;
    for (const worker of this.workers) {
      if (!worker.alive || worker.child.pid === undefined) continue;
      const seconds = cpuSeconds(worker.child.pid);
      if (seconds === null) return null;
      total += seconds * 1000;
    }
    return total;
  }

  /** Latest figures over all workers; beats and errors are cumulative since start. */
  totals(): FleetTotals {
    const t: FleetTotals = { agents: this.options.credentials.length, started: 0, connected: 0, beats: this.cumulative.beats, beatsSkipped: this.cumulative.beatsSkipped, connects: 0, disconnects: 0, refused: 0, errors: { ...this.cumulative.errors }, rssBytes: 0, workersAlive: 0 };
    for (const w of this.workers) {
      if (w.alive) t.workersAlive++;
      if (!w.last) continue;
      t.started += w.last.started;
      t.connected += w.last.connected;
      t.connects += w.last.connects;
      t.disconnects += w.last.disconnects;
      t.refused += w.last.refused;
      t.rssBytes += w.last.rssBytes;
    }
    return t;
  }

  /** Resolves true once `predicate` holds on a report, false after `timeoutMs`. */
  waitUntil(predicate: (t: FleetTotals) => boolean, timeoutMs: number): Promise<boolean> {
    if (predicate(this.totals())) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.off('stats', check);
        resolve(ok);
      };
      const check = (t: FleetTotals) => predicate(t) && done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.on('stats', check);
    });
  }

  /** Every agent says `shutdown` and disconnects; resolves when every worker has exited. */
  async stop(timeoutMs = 60_000): Promise<void> {
    await Promise.all(
      this.workers.map(
        ({ child, alive }) =>
          new Promise<void>((resolve) => {
            if (!alive || child.exitCode !== null) return resolve();
            const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
            child.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            if (child.connected) child.send({ type: 'stop' } satisfies ToWorker);
            else child.kill('SIGTERM');
          }),
      ),
    );
  }
}

function rotate<T>(items: T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
