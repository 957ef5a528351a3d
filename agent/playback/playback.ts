// Playback as one AgentModule: the outbox and its uploader, the manifest store, the media cache
// and its fetcher, the engine with its player and amplifier, the command handler and the clock
// offset — wired together, started in that order (the outbox first, so every later part can
// record events) and stopped in reverse (the outbox last, so their final events are on disk).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../platform/logger.js';
import type { DeviceConfig, ManifestPayload } from '../../shared/payloads.js';
import type { BackoffPolicy } from '../backoff.js';
import type { Clock, Random } from '../clock.js';
import type { AgentConfig } from '../config.js';
import type { DeviceState } from '../device-state.js';
import type { Link } from '../link.js';
import type { Telemetry } from '../telemetry.js';
import { ClockOffset } from './clock-offset.js';
import { CommandLog } from './command-log.js';
import { CommandHandler } from './commands.js';
import { Engine } from './engine.js';
import { OutboxSink } from './events.js';
import { MediaFetcher } from './fetcher.js';
import { ManifestStore } from './manifest-store.js';
import { MediaCache } from './media-cache.js';
import { Outbox } from './outbox.js';
import { Playlog } from './playlog.js';
import { createPlayer, type Player } from './players/index.js';
import { Amplifier, createPowerDriver, type PowerDriver } from './power.js';
import { scheduledEntry } from './timeline.js';
import { EventUploader } from './uploader.js';

/** Before any manifest: what the cluster uses until the controller says otherwise. */
const DEFAULT_CACHE_MAX_BYTES = 1024 ** 3;
const DEFAULT_POWER_LEAD_S = 5;
const REFRESH_WANTED_MS = 10 * 60_000;

export interface PlaybackDeps {
  /** Replaces the configured player (benchmarks simulating thousands of clusters; tests). */
  player?: Player;
  powerDriver?: PowerDriver;
  /** How late a media item may still start (default 30 s). */
  graceMs?: number;
  fetchBackoff?: BackoffPolicy;
  /** Re-send events not acknowledged within this time (default 30 s). */
  ackTimeoutMs?: number;
  clockOffsetEveryMs?: number;
}

export interface PlaybackHost {
  config: Readonly<AgentConfig>;
  state: DeviceState;
  link: Link;
  telemetry: Telemetry;
  version: string;
  logger: Logger;
  clock: Clock;
  random?: Random;
  requestRestart: () => void;
}

export class Playback {
  readonly name = 'playback';
  readonly outbox: Outbox;
  readonly cache: MediaCache;
  readonly manifests: ManifestStore;
  readonly engine: Engine;
  readonly fetcher: MediaFetcher;
  readonly clockOffset: ClockOffset;
  private readonly uploader: EventUploader;
  private readonly commands: CommandHandler;
  private readonly events: OutboxSink;
  private readonly log: Logger;
  private settings: DeviceConfig | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private lastRejected = '';
  private readonly offs: (() => unknown)[] = [];
  private refresh: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly host: PlaybackHost,
    deps: PlaybackDeps = {},
  ) {
    const { config, logger, clock, state, link } = host;
    const dir = config.dataDir;
    this.log = logger.child({ module: 'agent-playback', deviceId: config.deviceId });
    this.outbox = new Outbox({ dir: path.join(dir, 'outbox'), log: this.log, clock });
    this.events = new OutboxSink(this.outbox, this.log);
    this.uploader = new EventUploader({ outbox: this.outbox, link, clock, log: this.log, ackTimeoutMs: deps.ackTimeoutMs });
    this.manifests = new ManifestStore(dir, config.controllerUrl, this.log);
    this.cache = new MediaCache(dir, this.log);
    this.fetcher = new MediaFetcher({
      cache: this.cache,
      auth: { user: config.deviceId, password: config.secret },
      controllerUrl: config.controllerUrl,
      events: this.events,
      log: this.log,
      clock,
      ...(host.random ? { random: host.random } : {}),
      ...(deps.fetchBackoff ? { backoff: deps.fetchBackoff } : {}),
      cacheMaxBytes: () => this.settings?.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES,
      onFetched: () => this.engine.mediaArrived(),
    });
    const amplifier = new Amplifier(deps.powerDriver ?? createPowerDriver(config.power), state, this.log, (err, wanted) => {
      void this.events.emit({ type: 'fault', reason: 'power_failed', detail: `amplifier ${wanted}: ${err.message}`.slice(0, 1000) });
    });
    this.engine = new Engine({
      player: deps.player ?? createPlayer(config, this.log),
      cache: this.cache,
      fetcher: this.fetcher,
      events: this.events,
      state,
      amplifier,
      playlog: new Playlog(dir, this.log),
      clock,
      log: this.log,
      powerLeadMs: () => (this.settings?.powerLeadS ?? DEFAULT_POWER_LEAD_S) * 1000,
      ...(deps.graceMs !== undefined ? { graceMs: deps.graceMs } : {}),
    });
    this.commands = new CommandHandler({
      link,
      engine: this.engine,
      amplifier,
      state,
      commandLog: new CommandLog(dir, this.log),
      clock,
      log: this.log,
      sync: () => this.sync(),
      restart: host.requestRestart,
    });
    this.clockOffset = new ClockOffset(config.controllerUrl, clock, this.log, deps.clockOffsetEveryMs);
    this.amplifier = amplifier;
  }

  private readonly amplifier: Amplifier;

  async start(): Promise<void> {
    const { link, telemetry, version } = this.host;
    await mkdir(path.join(this.host.config.dataDir, 'outbox'), { recursive: true });
    await this.outbox.open();
    this.uploader.start();
    void this.events.emit({ type: 'agent_started', detail: `agent ${version}` });
    await this.cache.open();
    await this.amplifier.reset();
    const held = await this.manifests.load();
    if (held) this.applyConfig(held, undefined);
    await this.engine.start();
    if (held) await this.schedule(held);
    await this.commands.start();
    this.offs.push(
      link.handle('manifest', (manifest) => this.serial(() => this.receive(manifest))),
      link.onInvalid((drop) => {
        if (drop.kind === 'manifest') void this.serial(() => this.reject('invalid', `${drop.reason}: ${drop.detail}`));
      }),
    );
    telemetry.provide({ cacheBytes: () => this.cache.bytes, clockOffsetMs: this.clockOffset.reading });
    this.fetcher.start();
    this.clockOffset.start();
    this.refresh = setInterval(() => this.fetcher.setWanted(this.manifests.current?.items ?? [], this.host.clock.now()), REFRESH_WANTED_MS);
    this.refresh.unref();
  }

  /** `reason` says why what plays is cut: `agent_stopped`, or `restart` for the restart command. */
  async stop(reason = 'agent_stopped'): Promise<void> {
    clearInterval(this.refresh);
    for (const off of this.offs.splice(0)) off();
    this.commands.stop();
    this.clockOffset.stop();
    this.fetcher.stop();
    await this.chain.catch(() => undefined);
    await this.engine.stop(reason);
    this.uploader.stop();
    await this.outbox.close();
  }

  /** The `sync` command: re-apply the held manifest, re-fetch what is missing, re-announce, re-upload. */
  async sync(): Promise<void> {
    const held = this.manifests.current;
    if (held) await this.schedule(held);
    await this.host.link.publishOnline();
    this.uploader.resend();
  }

  private serial(fn: () => Promise<void>): Promise<void> {
    const run = this.chain.then(fn);
    this.chain = run.catch((err) => this.log.error({ err }, 'manifest handling failed'));
    return run;
  }

  private async receive(manifest: ManifestPayload): Promise<void> {
    const result = await this.manifests.offer(manifest);
    if (result.status === 'unchanged') return;
    if (result.status === 'rejected') return this.reject(result.reason, result.detail, manifest.version);
    this.lastRejected = '';
    const items = manifest.items.length;
    this.log.info({ version: manifest.version, items }, 'manifest applied');
    await this.events.emit({ type: 'manifest_applied', detail: `version ${manifest.version}, ${items} items` });
    this.applyConfig(manifest, result.previous);
    await this.schedule(manifest);
  }

  private async reject(reason: string, detail: string, version?: number): Promise<void> {
    const what = `${version ?? '?'}|${reason}|${detail}`;
    // The retained manifest comes back at every reconnect: report a refusal once, not every time.
    if (what === this.lastRejected) return;
    this.lastRejected = what;
    this.log.warn({ version, reason, detail }, 'manifest rejected; keeping the previous one');
    const held = this.manifests.current ? ` (keeping version ${this.manifests.current.version})` : '';
    const prefix = version !== undefined ? `version ${version}: ` : '';
    await this.events.emit({ type: 'manifest_rejected', reason, detail: `${prefix}${detail}${held}`.slice(0, 1000) });
  }

  private applyConfig(manifest: ManifestPayload, previous: ManifestPayload | undefined): void {
    const { state, telemetry } = this.host;
    this.settings = manifest.config;
    state.setManifestVersion(manifest.version);
    telemetry.setIntervalS(manifest.config.heartbeatIntervalS);
    // The default volume applies when it changes, so re-sending a manifest does not undo an operator's `volume`.
    if (!previous || previous.config.defaultVolume !== manifest.config.defaultVolume) state.setVolume(manifest.config.defaultVolume);
  }

  private async schedule(manifest: ManifestPayload): Promise<void> {
    const now = this.host.clock.now();
    this.fetcher.setWanted(manifest.items, now);
    await this.cache.dropUnneededPartials(this.fetcher.nextUse);
    await this.cache.makeRoom(0, manifest.config.cacheMaxBytes, this.fetcher.nextUse);
    await this.engine.setSchedule(manifest.items.map(scheduledEntry));
  }
}
