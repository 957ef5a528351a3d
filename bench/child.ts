// Child processes for the scenarios: a host (Loa's broker, a load generator, a controller) runs in
// its own process so it never shares an event loop with the bench or with the other side of
// the measurement. Hosts announce readiness over IPC; nothing here sleeps or polls.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { repoRoot } from './machine.js';

/** True when running the TypeScript sources (vitest, tsx) rather than the build in dist/. */
export const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** node arguments that run a repository module, e.g. 'bench/hosts/loa-broker', from source or from dist. */
export function nodeArgsFor(module: string): string[] {
  const root = repoRoot();
  return FROM_SOURCE ? ['--import', 'tsx', path.join(root, `${module}.ts`)] : [path.join(root, 'dist', `${module}.js`)];
}

export interface Host<Ready> {
  child: ChildProcess;
  ready: Ready;
  /** Everything the child wrote to stderr so far (for error messages). */
  stderr(): string;
  /** The next IPC message from the child. */
  next<T>(): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Starts `node <module>` with an IPC channel, sends it `job`, and resolves with its first
 * message `{ ready }`; rejects with its stderr if it exits or reports `{ error }` first.
 */
export async function startHost<Ready>(module: string, job: unknown, env: NodeJS.ProcessEnv = {}): Promise<Host<Ready>> {
  const child = spawn(process.execPath, nodeArgsFor(module), {
    cwd: repoRoot(),
    env: { ...process.env, LOA_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8_000);
  });
  const queue: unknown[] = [];
  const waiters: Array<{ resolve: (m: unknown) => void; reject: (e: Error) => void }> = [];
  let ended: Error | null = null;
  child.on('message', (message) => {
    const waiter = waiters.shift();
    if (waiter) waiter.resolve(message);
    else queue.push(message);
  });
  child.on('exit', (code, signal) => {
    ended = new Error(`${module} exited (${signal ?? code}) before answering${stderr ? `: ${stderr.trim()}` : ''}`);
    for (const w of waiters.splice(0)) w.reject(ended);
  });
  child.on('error', (err) => {
    ended = err;
    for (const w of waiters.splice(0)) w.reject(err);
  });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      if (queue.length) resolve(queue.shift() as T);
      else if (ended) reject(ended);
      else waiters.push({ resolve: resolve as (m: unknown) => void, reject });
    });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  child.send(job as object);
  try {
    const first = await next<{ ready?: Ready; error?: string }>();
    if (first.error) throw new Error(`${module}: ${first.error}`);
    return { child, ready: first.ready as Ready, stderr: () => stderr, next, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A TCP port free right now on 127.0.0.1, for programs that cannot listen on port 0 and tell us. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Median and percentiles of a list of numbers (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
