// What the engine needs from a player: prepare ahead of the start (spawn the decoder, open the
// file), release the audio at the start instant, stop early, and say how it ended.

export type PlaySourceRef = { type: 'media'; path: string; sha256: string } | { type: 'stream'; url: string };

export interface PlayRequest {
  /** Names the playback in logs and in the file player's output. */
  key: string;
  itemId?: string;
  commandId?: string;
  source: PlaySourceRef;
  /** 0-100, applied as a linear gain of volume/100. */
  volume: number;
  /** Streams play for this long; media is stopped if it overruns this by far. */
  durationMs?: number;
}

export type PlayEnd =
  | { outcome: 'finished' }
  | { outcome: 'stopped' }
  | { outcome: 'failed'; reason: 'player_error' | 'stream_error'; detail: string };

export interface PreparedPlayback {
  /** Releases the audio now. Call once. */
  start(): void;
  /** Ends the playback (or discards it unstarted); `ended` then resolves with `stopped`. */
  stop(): Promise<void>;
  readonly ended: Promise<PlayEnd>;
  /** The decoder's process id, so one left behind by a crash can be ended at the next start. */
  readonly pid: number | undefined;
}

export interface Player {
  prepare(request: PlayRequest): Promise<PreparedPlayback>;
}
