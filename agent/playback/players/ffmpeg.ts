// Every player is ffmpeg with a different output (architecture notes, "Players"):
//   alsa — decode to the sound card (`-f alsa <device>`), paced by the card;
//   null — decode in real time to nowhere (`-re … -f null -`), for simulation;
//   file — decode in real time into a WAV per playback under dataDir/played, for tests.
// Media is fed through stdin from an already-open file: the process is spawned and initialised
// before the start instant, and releasing the audio is only writing into its pipe (a few ms,
// instead of the tens to hundreds of ms a cold ffmpeg start takes on a small board).
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Logger } from '../../../platform/logger.js';
import type { PlayEnd, Player, PlayRequest, PreparedPlayback } from './player.js';

export type Output = { kind: 'alsa'; device: string } | { kind: 'null' } | { kind: 'file'; path: (request: PlayRequest) => string };

/** FFMPEG_PATH, else the binary shipped in @ffmpeg-installer/ffmpeg (no download at install time). */
export function ffmpegPath(): string {
  if (process.env.FFMPEG_PATH) return process.env.FFMPEG_PATH;
  const require = createRequire(import.meta.url);
  return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

/** How long a media playback may overrun its planned duration before it is taken for hung. */
const OVERRUN_MS = 30_000;
const KILL_AFTER_MS = 2_000;

export function ffmpegArgs(request: PlayRequest, output: Output, outputPath?: string): string[] {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error'];
  // The sound card paces the alsa output; the others must be held to real time.
  if (output.kind !== 'alsa') args.push('-re');
  if (request.source.type === 'media') args.push('-i', 'pipe:0');
  else {
    const http = /^https?:/i.test(request.source.url);
    if (http) args.push('-reconnect', '1', '-reconnect_streamed', '1', '-reconnect_delay_max', '5', '-rw_timeout', '15000000');
    args.push('-i', request.source.url);
    if (request.durationMs) args.push('-t', (request.durationMs / 1000).toFixed(3));
  }
  args.push('-vn', '-af', `volume=${(request.volume / 100).toFixed(2)}`);
  if (output.kind === 'alsa') args.push('-f', 'alsa', output.device);
  else if (output.kind === 'null') args.push('-f', 'null', '-');
  else args.push('-y', '-f', 'wav', outputPath!);
  return args;
}

export class FfmpegPlayer implements Player {
  constructor(
    private readonly output: Output,
    private readonly log: Logger,
    private readonly binary: () => string = ffmpegPath,
  ) {}

  async prepare(request: PlayRequest): Promise<PreparedPlayback> {
    const { spawn } = await import('node:child_process');
    const { open } = await import('node:fs/promises');
    const outputPath = this.output.kind === 'file' ? this.output.path(request) : undefined;
    const args = ffmpegArgs(request, this.output, outputPath);
    const stdin = request.source.type === 'media' ? 'pipe' : 'ignore';
    const file = request.source.type === 'media' ? await open(request.source.path, 'r') : undefined;
    // Streams cannot wait at a gate: their input starts flowing as soon as ffmpeg runs, so they spawn at start().
    const launch = () => spawn(this.binary(), args, { stdio: [stdin, 'ignore', 'pipe'] });
    let child: ChildProcess | undefined;
    if (request.source.type === 'media') {
      child = launch();
      await new Promise<void>((resolve, reject) => {
        child!.once('spawn', resolve);
        child!.once('error', reject);
      }).catch(async (err) => {
        await file?.close();
        throw err;
      });
    }
    return new FfmpegPlayback(request, this.log, child, launch, file);
  }
}

class FfmpegPlayback implements PreparedPlayback {
  readonly ended: Promise<PlayEnd>;
  private resolveEnd!: (end: PlayEnd) => void;
  private stopped = false;
  private started = false;
  private stderr = '';
  private watchdog: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly request: PlayRequest,
    private readonly log: Logger,
    private child: ChildProcess | undefined,
    private readonly launch: () => ChildProcess,
    private readonly file: import('node:fs/promises').FileHandle | undefined,
  ) {
    this.ended = new Promise((resolve) => {
      this.resolveEnd = resolve;
    });
    if (child) this.watch(child);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    if (!this.child) {
      this.child = this.launch();
      this.watch(this.child);
    }
    if (this.file && this.child.stdin) {
      const input = this.file.createReadStream();
      // ffmpeg that exits early (stopped, bad data) closes its stdin: not our error to crash on.
      this.child.stdin.on('error', () => undefined);
      input.on('error', (err) => this.log.warn({ err, key: this.request.key }, 'reading the media file failed'));
      input.pipe(this.child.stdin);
    }
    const limit = (this.request.durationMs ?? 0) + OVERRUN_MS;
    if (this.request.source.type === 'media' && this.request.durationMs) {
      this.watchdog = setTimeout(() => this.kill('SIGKILL'), limit);
    }
  }

  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      if (!this.child) this.finish({ outcome: 'stopped' });
      else {
        this.kill('SIGTERM');
        const hard = setTimeout(() => this.kill('SIGKILL'), KILL_AFTER_MS);
        void this.ended.finally(() => clearTimeout(hard));
      }
    }
    await this.ended;
  }

  private watch(child: ChildProcess): void {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-2000);
    });
    child.on('error', (err) => this.finish({ outcome: 'failed', reason: 'player_error', detail: err.message }));
    child.on('exit', (code, signal) => {
      if (this.stopped) return this.finish({ outcome: 'stopped' });
      if (code === 0) return this.finish({ outcome: 'finished' });
      const reason = this.request.source.type === 'stream' ? 'stream_error' : 'player_error';
      const detail = `ffmpeg exited with ${signal ?? `code ${code}`}: ${this.stderr.trim().slice(-900)}`;
      this.finish({ outcome: 'failed', reason, detail });
    });
  }

  private kill(signal: NodeJS.Signals): void {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  private finish(end: PlayEnd): void {
    clearTimeout(this.watchdog);
    void this.file?.close().catch(() => undefined);
    this.resolveEnd(end);
  }
}
