// The simulator's player: it plays nothing and spawns nothing (10,000 ffmpeg processes would
// measure the machine's process table, not Loa), but keeps the player contract the engine
// relies on — prepare ahead, release at start(), end after the duration or when stopped — and
// tells the simulator the instant each playback was released, the figure the fan-out and
// scheduled-start benchmarks measure.
import type { PlayEnd, Player, PlayRequest, PreparedPlayback } from '../../agent/playback/players/player.js';

export interface PlayStart {
  key: string;
  itemId?: string;
  commandId?: string;
  startedAt: number;
}

export class SimulatedPlayer implements Player {
  constructor(
    private readonly onStart: (start: PlayStart) => void,
    /** Media items carry no duration in the request; they "play" this long. */
    private readonly mediaDurationMs = 1_000,
  ) {}

  async prepare(request: PlayRequest): Promise<PreparedPlayback> {
    let finish!: (end: PlayEnd) => void;
    const ended = new Promise<PlayEnd>((resolve) => {
      finish = resolve;
    });
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const end = (outcome: 'finished' | 'stopped') => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      finish({ outcome });
    };
    const durationMs = request.durationMs ?? this.mediaDurationMs;
    return {
      start: () => {
        const startedAt = Date.now();
        this.onStart({ key: request.key, startedAt, ...(request.itemId ? { itemId: request.itemId } : {}), ...(request.commandId ? { commandId: request.commandId } : {}) });
        timer = setTimeout(() => end('finished'), durationMs);
      },
      stop: async () => {
        end('stopped');
      },
      ended,
      pid: undefined,
    };
  }
}
