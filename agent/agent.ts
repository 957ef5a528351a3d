// The agent: the daemon on each loudspeaker cluster. It owns the parts and their order —
// link first (so modules can publish), then the heartbeat, then plugged-in modules; stopping in
// reverse, the link last so it can say `shutdown`. Playback (manifest cache, scheduler, players,
// outbox) plugs in later as AgentModules with start()/stop().
import { type Logger, silentLogger } from '../platform/logger.js';
import { type Clock, type Random, systemClock } from './clock.js';
import type { AgentConfig } from './config.js';
import { DeviceState } from './device-state.js';
import { Link, type LinkOptions } from './link.js';
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
  link?: Pick<LinkOptions, 'backoff' | 'refusedBackoff' | 'stableAfterMs' | 'stopTimeoutMs' | 'keepaliveS' | 'connectTimeoutMs'>;
  telemetry?: Partial<TelemetryProviders>;
}

export class Agent {
  readonly state: DeviceState;
  readonly link: Link;
  readonly telemetry: Telemetry;
  readonly version: string;
  private readonly log: Logger;
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

  /** Stops modules (reverse order), the heartbeat, then the link, which says `shutdown`. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.stopParts();
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
    this.link.start();
    this.telemetry.start();
    for (const module of this.modules) {
      if (this.stopping) break;
      await module.start();
      this.started.push(module);
      this.log.debug({ part: module.name }, 'module started');
    }
  }

  private async stopParts(): Promise<void> {
    await this.starting?.catch(() => undefined);
    this.log.info('agent stopping');
    for (const module of [...this.started].reverse()) {
      try {
        await module.stop();
      } catch (err) {
        this.log.error({ err, part: module.name }, 'module failed to stop');
      }
    }
    this.telemetry.stop();
    this.unwatch?.();
    await this.link.stop();
    this.log.info('agent stopped');
  }
}
