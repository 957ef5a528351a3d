// Runs ffmpeg/ffprobe as a child process: at low priority (so a transcode never starves the
// broker or the API on a 2-core machine), killable through an AbortSignal, with its progress
// read from `-progress pipe:1` and the tail of its stderr kept for the person who uploaded.
import { spawn } from 'node:child_process';
import os from 'node:os';

export interface RunOptions {
  /** Niceness 0..19; applied with `nice -n` when the binary is given, else os.setPriority. */
  niceLevel?: number;
  niceBinary?: string | null;
  signal?: AbortSignal;
  /** Called with the media time reached (ms) each time ffmpeg reports progress. */
  onProgress?: (outTimeMs: number) => void;
  /** Keep at most this many bytes of stderr (the end of it). */
  stderrLimit?: number;
  /** Collect stdout (ffprobe's JSON); otherwise stdout is parsed as `-progress` output. */
  captureStdout?: boolean;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Set when the child could not be started at all (ENOENT, EACCES). */
  spawnError?: NodeJS.ErrnoException;
  aborted: boolean;
  pid: number | undefined;
}

/** `out_time=HH:MM:SS.micro` → ms; ffmpeg 4.1 writes out_time_ms in microseconds, so read this one. */
export function parseOutTime(value: string): number | null {
  const m = /^(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(value.trim());
  if (!m || m[1] === '-') return null;
  return Math.round((Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4])) * 1000);
}

export function runProcess(binary: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const { niceLevel = 0, niceBinary = null, signal, onProgress, stderrLimit = 16_384, captureStdout = false } = options;
  const [command, argv] = niceLevel > 0 && niceBinary ? [niceBinary, ['-n', String(niceLevel), binary, ...args]] : [binary, args];
  return new Promise((resolve) => {
    let stderr = '';
    let stdout = '';
    let lineBuffer = '';
    let aborted = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    if (niceLevel > 0 && !niceBinary && child.pid) {
      try {
        os.setPriority(child.pid, niceLevel);
      } catch {
        // Not permitted or already gone: the job still runs, only at normal priority.
      }
    }
    const kill = () => {
      aborted = true;
      child.kill('SIGKILL');
    };
    if (signal?.aborted) kill();
    signal?.addEventListener('abort', kill, { once: true });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.length > stderrLimit * 2) stderr = stderr.slice(-stderrLimit);
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (captureStdout) {
        stdout += chunk;
        return;
      }
      lineBuffer += chunk;
      const lines = lineBuffer.split('\n');
      lineBuffer = lines.pop() ?? '';
      for (const line of lines) {
        if (!onProgress || !line.startsWith('out_time=')) continue;
        const ms = parseOutTime(line.slice('out_time='.length));
        if (ms !== null) onProgress(ms);
      }
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      spawnError = err;
    });
    child.on('close', (code, sig) => {
      signal?.removeEventListener('abort', kill);
      resolve({ code, signal: sig, stdout, stderr: stderr.slice(-stderrLimit), spawnError, aborted, pid: child.pid });
    });
  });
}

/** The last lines of ffmpeg's stderr, as shown to a person (without progress noise). */
export function stderrTail(stderr: string, maxLines = 12, maxChars = 1500): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l && !l.startsWith('size=') && !/^\s*[{}]/.test(l) && !/^\s*"\w+" : /.test(l));
  return lines.slice(-maxLines).join('\n').slice(-maxChars);
}
