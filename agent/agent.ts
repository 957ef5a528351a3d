// The agent: the daemon on each loudspeaker cluster. It owns the parts and their order —
// playback first (outbox, manifest, media cache, engine, commands, clock offset:
// playback/playback.ts; its handlers must exist before the first message arrives), then the
// link, the heartbeat and plugged-in modules; stopping in reverse, the link last so it can say
// `shutdown`.
import { type Logger, silentLogger } from '../platform/logger.js';
import { type Clock, type Random, systemClock } from './clock.js';
import type { AgentConfig } from './config.js';
import { DeviceState } from './device-state.js';
import { Link, type LinkOptions } from './link.js';
import { Playback, type PlaybackDeps } from './playback/playback.js';
import { Telemetry, type TelemetryProviders } from './telemetry.js';
import { agentVersion } from './version.js';

/**
 * A later part of the agent. Its constructor only assigns; start() begins work (it may register
 * handlers with `agent.link.handle(...)`) and stop() ends it and releases everything. start()
 * must not wait for the network: the cluster has to play its schedule while offline.
 */
export interface AgentModule {
  readonly name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

export interface AgentDeps {
  logger?: Logger;
  clock?: Clock;
  random?: Random;
  /** Override the package version (tests). */
  version?: string;
  /** Override the reconnect policies or timing (tests; the defaults suit a fleet). */
  link?: Pick<LinkOptions, 'backoff' | 'refusedBackoff' | 'stableAfterMs' | 'stopTimeoutMs' | 'keepaliveS' | 'connectTimeoutMs' | 'connectSocket'>;
  telemetry?: Partial<TelemetryProviders>;
  /** Playback options (tests, benchmarks), or false for an agent without playback (link tests). */
  playback?: PlaybackDeps | false;
}

export type StopReason = 'shutdown' | 'restart';

export class Agent {
  readonly state: DeviceState;
  readonly link: Link;
  readonly telemetry: Telemetry;
  readonly version: string;
  /** Undefined only when built with `playback: false`. */
  readonly playback: Playback | undefined;
  private readonly log: Logger;
  private readonly restartListeners = new Set<() => void>();
  private readonly modules: AgentModule[] = [];
  private readonly started: AgentModule[] = [];
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private unwatch: (() => void) | undefined;

  constructor(
    readonly config: Readonly<AgentConfig>,
    deps: AgentDeps = {},
  ) {
    const logger = deps.logger ?? silentLogger;
    const clock = deps.clock ?? systemClock;
    this.log = logger.child({ module: 'agent', deviceId: config.deviceId });
    this.version = deps.version ?? agentVersion();
    this.state = new DeviceState({}, logger);
    this.link = new Link({
      config,
      agentVersion: this.version,
      manifestVersion: () => this.state.get().manifestVersion,
      logger,
      clock,
      ...(deps.random ? { random: deps.random } : {}),
      ...deps.link,
    });
    this.telemetry = new Telemetry({
      deviceState: this.state,
      link: this.link,
      agentVersion: this.version,
      intervalS: config.heartbeatIntervalS,
      dataDir: config.dataDir,
      logger,
      clock,
      ...(deps.random ? { random: deps.random } : {}),
      ...(deps.telemetry ? { providers: deps.telemetry } : {}),
    });
    this.playback =
      deps.playback === false
        ? undefined
        : new Playback(
            {
              config,
              state: this.state,
              link: this.link,
              telemetry: this.telemetry,
              version: this.version,
              logger,
              clock,
              ...(deps.random ? { random: deps.random } : {}),
              requestRestart: () => this.requestRestart(),
            },
            deps.playback,
          );
  }

  /** The `restart` command asks for the process to end and be started again (systemd does that). */
  onRestartRequested(listener: () => void): () => void {
    this.restartListeners.add(listener);
    return () => this.restartListeners.delete(listener);
  }

  requestRestart(): void {
    this.log.info('restart requested');
    if (this.restartListeners.size === 0) void this.stop('restart');
    for (const listener of this.restartListeners) listener();
  }

  /** Adds a module, started after the built-in parts (in the order added). Only before start(). */
  use(module: AgentModule): this {
    if (this.starting) throw new Error(`module ${module.name} added after the agent started`);
    this.modules.push(module);
    return this;
  }

  /** Connects (in the background — the agent works offline too) and starts the heartbeat and modules. Idempotent. */
  start(): Promise<void> {
    this.starting ??= this.startParts();
    return this.starting;
  }

  /** Stops modules (reverse order), playback, the heartbeat, then the link, which says `shutdown` (or `restart`). Idempotent. */
  stop(reason: StopReason = 'shutdown'): Promise<void> {
    this.stopping ??= this.stopParts(reason);
    return this.stopping;
  }

  private async startParts(): Promise<void> {
    if (this.stopping) return; // stopped before it ever started
    const { brokerUrl, areaCodes } = this.config;
    this.log.info({ version: this.version, brokerUrl, areaCodes }, 'agent starting');
    // The retained state carries the manifest version: keep it true when the manifest module applies a new one.
    this.unwatch = this.state.onChange((next, previous) => {
      if (next.manifestVersion !== previous.manifestVersion) {
        this.link.publishOnline().catch((err) => this.log.warn({ err }, 'could not republish the state'));
      }
    });
    if (this.playback) {
      // Before the link: its handlers must be in place when the broker delivers the retained
      // manifest and the commands queued in our session, right after we subscribe. It needs
      // nothing from the network (the cluster plays offline), so this delays the connect by
      // only a few disk reads.
      await this.playback.start();
      this.started.push(this.playback);
    }
    this.link.start();
    this.telemetry.start();
    for (const module of this.modules) {
      if (this.stopping) break;
      await module.start();
      this.started.push(module);
      this.log.debug({ part: module.name }, 'module started');
    }
  }

  private async stopParts(reason: StopReason): Promise<void> {
    await this.starting?.catch(() => undefined);
    this.log.info({ reason }, 'agent stopping');
    for (const module of [...this.started].reverse()) {
      try {
        if (module === this.playback) await this.playback.stop(reason === 'restart' ? 'restart' : 'agent_stopped');
        else await module.stop();
      } catch (err) {
        this.log.error({ err, part: module.name }, 'module failed to stop');
      }
    }
    this.telemetry.stop();
    this.unwatch?.();
    await this.link.stop(reason);
    this.log.info('agent stopped');
  }
}
