// The player named in the agent config. `file` also keeps `played/played.jsonl`: one line per
// playback {key, itemId, commandId, sha256 | url, startedAt, endedAt, outcome, file}, so a test
// can read what was heard, when, and for how long.
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../../platform/logger.js';
import type { AgentConfig } from '../../config.js';
import { FfmpegPlayer } from './ffmpeg.js';
import type { Player, PlayRequest, PreparedPlayback } from './player.js';

export type { PlayEnd, Player, PlayRequest, PreparedPlayback } from './player.js';

export function createPlayer(config: Pick<AgentConfig, 'player' | 'alsaDevice' | 'dataDir'>, log: Logger): Player {
  if (config.player === 'alsa') return new FfmpegPlayer({ kind: 'alsa', device: config.alsaDevice ?? 'default' }, log);
  if (config.player === 'null') return new FfmpegPlayer({ kind: 'null' }, log);
  return new FilePlayer(path.join(config.dataDir, 'played'), log);
}

let counter = 0;

export class FilePlayer implements Player {
  private ready: Promise<unknown> | undefined;

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
  ) {}

  async prepare(request: PlayRequest): Promise<PreparedPlayback> {
    this.ready ??= mkdir(this.dir, { recursive: true });
    await this.ready;
    const file = path.join(this.dir, `${Date.now()}-${++counter}-${safe(request.key)}.wav`);
    const inner = await new FfmpegPlayer({ kind: 'file', path: () => file }, this.log).prepare(request);
    let startedAt: number | undefined;
    const log = path.join(this.dir, 'played.jsonl');
    const ended = inner.ended.then(async (end) => {
      if (startedAt === undefined) return end; // discarded before it started: nothing was heard
      const source = request.source.type === 'media' ? { sha256: request.source.sha256 } : { url: request.source.url };
      const line = { key: request.key, itemId: request.itemId, commandId: request.commandId, ...source, startedAt, endedAt: Date.now(), outcome: end.outcome, file };
      await appendFile(log, `${JSON.stringify(line)}\n`);
      return end;
    });
    return {
      start() {
        startedAt = Date.now();
        inner.start();
      },
      async stop() {
        await inner.stop();
        await ended;
      },
      ended,
      get pid() {
        return inner.pid;
      },
    };
  }
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);
