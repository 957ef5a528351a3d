// Messages between the fleet simulator (parent) and its worker processes, over the IPC channel.
import type { FleetCredential } from './credentials.js';
import type { PlayStart } from './sim-player.js';

export interface WorkerOptions {
  /** Overrides the broker/controller URLs in the agent configs (they name the production host). */
  brokerUrl?: string;
  controllerUrl?: string;
  /** Each agent's data folder is <workDir>/<deviceId>. */
  workDir: string;
  heartbeatS: number;
  /** ±10% on every interval and a random first beat; without it, first beats are spread evenly. */
  jitter: boolean;
  /** Random link losses: the share of agents that lose their connection per minute (0-1). */
  disconnectRatePerMin: number;
  /** Latency added to each direction of every connection. */
  slowLinkMs: number;
  sourceAddresses: string[];
  /** Run the playback module (outbox, manifest, cache, engine) with the simulated player. */
  playback: boolean;
  /** New agents started per second by this worker (the broker verifies each secret once). */
  rampPerS: number;
  /** At most this many of this worker's agents may be connecting at once. */
  maxConnecting: number;
  reportEveryMs: number;
}

export type ToWorker = { type: 'start'; credentials: FleetCredential[]; options: WorkerOptions; index: number } | { type: 'stop' };

export interface WorkerStats {
  agents: number;
  started: number;
  connected: number;
  /** Heartbeats written to the socket since the previous report. */
  beats: number;
  /** Heartbeats skipped since the previous report (offline, or the publish failed). */
  beatsSkipped: number;
  connects: number;
  disconnects: number;
  /** CONNACK refusals (bad credentials, not authorised). */
  refused: number;
  /** Socket error codes seen since the previous report, e.g. { EMFILE: 3 }. */
  errors: Record<string, number>;
  plays: (PlayStart & { deviceId: string })[];
  rssBytes: number;
}

export type FromWorker = { type: 'stats'; stats: WorkerStats } | { type: 'stopped' } | { type: 'fatal'; message: string };
