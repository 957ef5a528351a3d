// The agent's MQTT connection (architecture notes, "Wire contract"). One persistent session per
// device (client id = deviceId, clean: false) so QoS 1 commands queued while the cluster was
// offline are delivered when it returns; retained `state` with a Last Will saying `lost`;
// reconnects driven here with jittered exponential backoff instead of MQTT.js' fixed period.
import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import mqtt, { ErrorWithReasonCode, type IClientOptions, MqttClient } from 'mqtt';
import { type Logger, silentLogger } from '../platform/logger.js';
import type { PayloadOf } from '../shared/decode.js';
import { PAYLOAD_VERSION, type StatePayload } from '../shared/payloads.js';
import { topics } from '../shared/topics.js';
import type { BackoffPolicy } from './backoff.js';
import { type Clock, type Random, systemClock, withTimeout } from './clock.js';
import type { AgentConfig } from './config.js';
import { type DropListener, type InboundHandler, type InboundKind, InboundRouter, type InboundStats } from './inbound.js';
import { Reconnector } from './reconnect.js';
import { CONNACK_REFUSALS, encodeChecked, OUTBOUND, type OutboundKind, outboundTopic } from './wire.js';

export interface LinkOptions {
  config: Pick<AgentConfig, 'deviceId' | 'secret' | 'brokerUrl' | 'areaCodes' | 'tlsCaFile'>;
  agentVersion: string;
  /** Read at every connect, for the retained online state. */
  manifestVersion: () => number | null;
  logger?: Logger;
  clock?: Clock;
  random?: Random;
  backoff?: BackoffPolicy;
  refusedBackoff?: BackoffPolicy;
  /** A connection that has lasted this long resets the backoff to its first step. */
  stableAfterMs?: number;
  keepaliveS?: number;
  connectTimeoutMs?: number;
  /** How long stop() waits for the broker to acknowledge the shutdown state, then for the close. */
  stopTimeoutMs?: number;
  /**
   * Opens the TCP connection for an mqtt:// broker URL instead of MQTT.js, at every (re)connect.
   * The fleet simulator binds each socket to one of several loopback source addresses this way,
   * to get past the ~28,000 ephemeral ports one address has towards one broker port.
   */
  connectSocket?: (host: string, port: number) => Duplex;
}

export interface LinkStats extends InboundStats {
  connects: number;
  disconnects: number;
  /** CONNACK refusals (bad credentials, not authorised, ...). */
  refused: number;
  /** The backoff step the next reconnect uses. */
  attempt: number;
  lastBackoffMs: number | null;
}

export type ConnectListener = (info: { sessionPresent: boolean }) => void;

export class Link {
  private client: MqttClient | undefined;
  private readonly router: InboundRouter;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly reconnector: Reconnector;
  private readonly counters = { connects: 0, disconnects: 0, refused: 0 };
  private readonly connectListeners = new Set<ConnectListener>();
  private readonly disconnectListeners = new Set<() => void>();
  /** Increments per connection, so late callbacks of a dropped connection do nothing. */
  private generation = 0;
  private online = false;
  private refusedCode: number | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: LinkOptions) {
    this.log = (options.logger ?? silentLogger).child({ module: 'agent-link', deviceId: options.config.deviceId });
    this.clock = options.clock ?? systemClock;
    this.router = new InboundRouter(options.config.deviceId, options.config.areaCodes, this.log);
    const { backoff, refusedBackoff, stableAfterMs, random } = options;
    this.reconnector = new Reconnector({ clock: this.clock, log: this.log, backoff, refusedBackoff, stableAfterMs, random });
  }

  get connected(): boolean {
    return this.online;
  }

  /** Connects, disconnects and refusals so far, without the copy `stats` makes (read often by the fleet simulator). */
  get connectionCounts(): Readonly<{ connects: number; disconnects: number; refused: number }> {
    return this.counters;
  }

  get stats(): Readonly<LinkStats> {
    const { attempt, lastDelayMs } = this.reconnector;
    const inbound = this.router.stats;
    return { ...inbound, dropped: { ...inbound.dropped }, ...this.counters, attempt, lastBackoffMs: lastDelayMs };
  }

  /** Registers a handler for `cmd` (device and area), `manifest` or `events/ack`. Returns an unsubscribe. */
  handle<K extends InboundKind>(kind: K, handler: InboundHandler<K>): () => void {
    return this.router.handle(kind, handler);
  }

  /** Called for every inbound message dropped as not fitting the contract. */
  onInvalid(listener: DropListener): () => void {
    return this.router.onDrop(listener);
  }

  /** Called after every (re)connect, once subscribed and the online state is acknowledged. */
  onConnect(listener: ConnectListener): () => void {
    this.connectListeners.add(listener);
    return () => this.connectListeners.delete(listener);
  }

  onDisconnect(listener: () => void): () => void {
    this.disconnectListeners.add(listener);
    return () => this.disconnectListeners.delete(listener);
  }

  /** Starts connecting and keeps doing so until stop(). Does not wait: the agent works offline too. */
  start(): void {
    if (this.client || this.stopping) return;
    const { config, keepaliveS = 30, connectTimeoutMs = 30_000 } = this.options;
    const clientOptions: IClientOptions = {
      clientId: config.deviceId,
      username: config.deviceId,
      password: config.secret,
      protocolVersion: 4, // MQTT 3.1.1: Aedes does not speak 5, and any standard broker must do
      clean: false,
      keepalive: keepaliveS,
      connectTimeout: connectTimeoutMs,
      reconnectPeriod: 0, // we reconnect ourselves, with jitter (scheduleReconnect)
      resubscribe: false, // we subscribe on every connect ourselves, before saying we are online
      queueQoSZero: false, // a heartbeat from while we were offline is worthless later
      will: this.will(),
      ...(config.tlsCaFile ? { ca: readFileSync(config.tlsCaFile) } : {}),
    };
    this.log.info({ brokerUrl: config.brokerUrl }, 'connecting');
    const client = this.options.connectSocket && config.brokerUrl.startsWith('mqtt://') ? this.customClient(clientOptions) : mqtt.connect(config.brokerUrl, clientOptions);
    this.client = client;
    client.on('connect', (connack) => void this.onConnected(client, connack.sessionPresent));
    client.on('close', () => this.onClosed());
    client.on('error', (err) => this.onError(err));
    client.on('message', (topic, payload, packet) => this.router.route(topic, payload, packet.retain));
  }

  private customClient(clientOptions: IClientOptions): MqttClient {
    const url = new URL(this.options.config.brokerUrl);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || 1883);
    const connectSocket = this.options.connectSocket!;
    return new MqttClient(() => connectSocket(host, port), { ...clientOptions, protocol: 'mqtt', hostname: host, host, port });
  }

  /**
   * Publishes one payload with the contract's QoS/retain for its kind. Resolves true once the
   * broker acknowledged it (QoS 1) or it was written (QoS 0). While offline, QoS 0 is dropped
   * (resolves false) and QoS 1 is kept in memory and sent after the next reconnect.
   * Rejects if the payload breaks the contract — that is a bug in the caller.
   */
  publish<K extends OutboundKind>(kind: K, payload: PayloadOf<K>): Promise<boolean> {
    if (!this.client || this.stopping) return Promise.resolve(false);
    if (OUTBOUND[kind].qos === 0 && !this.online) return Promise.resolve(false);
    return this.send(this.client, kind, payload).then(() => true);
  }

  /** Publishes the retained online state again, e.g. after the manifest version changed. */
  async publishOnline(): Promise<boolean> {
    if (!this.online) return false;
    return this.publish('state', this.stateOnline());
  }

  /**
   * Says `shutdown` (or `restart`, when the process is about to be started again) retained,
   * waits for the broker to acknowledge it, and closes. Idempotent.
   */
  stop(reason: 'shutdown' | 'restart' = 'shutdown'): Promise<void> {
    this.stopping ??= this.shutdown(reason);
    return this.stopping;
  }

  private async shutdown(reason: 'shutdown' | 'restart'): Promise<void> {
    this.reconnector.cancel();
    const client = this.client;
    if (!client) return;
    const timeoutMs = this.options.stopTimeoutMs ?? 5_000;
    let said = false;
    if (this.online) {
      const goodbye: StatePayload = { v: PAYLOAD_VERSION, ts: this.clock.now(), session: this.session, online: false, reason };
      try {
        await withTimeout(this.clock, this.send(client, 'state', goodbye), timeoutMs, 'shutdown state not acknowledged');
        said = true;
      } catch (err) {
        this.log.warn({ err }, 'could not publish the shutdown state; the broker will publish the Last Will');
      }
    }
    // With clean: false MQTT.js keeps unacknowledged QoS 1 messages for a next connection that
    // will not come; settle their promises now so no caller waits forever. (The outbox keeps
    // its own copy on disk and re-sends from the last acknowledged sequence.)
    for (const id of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(id));
    this.online = false; // so the coming `close` is not reported as a lost connection
    // A clean DISCONNECT makes the broker discard the Last Will [MQTT-3.14.4-3], so the
    // `shutdown` state stays. Without an acknowledged goodbye, end forcibly: `lost` is then true.
    const ended = new Promise<void>((resolve) => client.end(!said, {}, () => resolve()));
    await withTimeout(this.clock, ended, timeoutMs, 'close timed out').catch(() => client.end(true));
    this.log.info({ clean: said }, 'link stopped');
  }

  private async onConnected(client: MqttClient, sessionPresent: boolean): Promise<void> {
    const generation = ++this.generation;
    this.online = true;
    this.counters.connects++;
    this.reconnector.connected();
    this.log.info({ sessionPresent }, 'connected');
    try {
      // Subscribe before announcing ourselves: the controller re-sends pending commands when it
      // sees us online, and a broker that lost our session must not get them before we listen.
      await this.subscribe(client);
      if (generation !== this.generation) return;
      await this.send(client, 'state', this.stateOnline());
    } catch (err) {
      // The connection dropped in between; the next connect does all of this again.
      this.log.debug({ err }, 'connect sequence interrupted');
      return;
    }
    if (generation !== this.generation || !this.online) return;
    for (const listener of this.connectListeners) this.notify(() => listener({ sessionPresent }));
  }

  private async subscribe(client: MqttClient): Promise<void> {
    const { deviceId, areaCodes } = this.options.config;
    const own = [topics.cmd(deviceId), topics.manifest(deviceId), topics.eventsAck(deviceId)];
    const wanted = [...own, ...areaCodes.map((code) => topics.areaCmd(code))];
    const granted = await client.subscribeAsync(wanted, { qos: 1 });
    // SUBACK 0x80 = the broker's ACL refused that filter [MQTT-3.9.3]; we keep running on the rest.
    const refused = granted.filter((g) => g.qos === 0x80).map((g) => g.topic);
    if (refused.length > 0) this.log.error({ refused }, 'broker refused subscriptions; check the device ACL');
  }

  private onClosed(): void {
    this.generation++;
    this.reconnector.disconnected();
    if (this.online) {
      this.online = false;
      this.counters.disconnects++;
      this.log.warn('connection lost');
      for (const listener of this.disconnectListeners) this.notify(listener);
    }
    if (!this.stopping) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    // Refusals other than 3 (server unavailable) need a person to fix something: retry slowly.
    const slow = this.refusedCode !== undefined && this.refusedCode !== 3;
    this.refusedCode = undefined;
    this.reconnector.schedule(slow, () => this.reconnectNow());
  }

  private onError(err: Error): void {
    if (err instanceof ErrorWithReasonCode && err.message.startsWith('Connection refused') && CONNACK_REFUSALS[err.code]) {
      this.counters.refused++;
      this.refusedCode = err.code;
      const fields = { returnCode: err.code, reason: CONNACK_REFUSALS[err.code] };
      if (err.code === 3) this.log.warn(fields, 'broker unavailable; retrying');
      else this.log.error(fields, 'broker refused the connection; check deviceId and secret in the agent config');
      return;
    }
    // Socket errors (ECONNREFUSED, timeouts, keepalive) are followed by `close`, which reconnects.
    this.log.warn({ err: err.message, code: (err as NodeJS.ErrnoException).code }, 'connection error');
  }

  private reconnectNow(): void {
    const client = this.client;
    if (!client || this.stopping) return;
    // The Last Will is sent in CONNECT; refresh its timestamp so it tells when this session began.
    client.options.will = this.will();
    try {
      // Keep the stores: QoS 1 messages not yet acknowledged are re-sent on the new connection
      // (MQTT.js' reconnect() would otherwise start with empty ones).
      client.reconnect({ incomingStore: client.incomingStore, outgoingStore: client.outgoingStore });
    } catch (err) {
      this.log.error({ err }, 'reconnect failed to start');
      this.scheduleReconnect();
    }
  }

  /** Start of the current (or next) session; set with each Last Will, see StateSchema.session. */
  private session = 0;

  private will(): NonNullable<IClientOptions['will']> {
    this.session = this.clock.now();
    const lost: StatePayload = { v: PAYLOAD_VERSION, ts: this.session, session: this.session, online: false, reason: 'lost' };
    return { topic: topics.state(this.options.config.deviceId), payload: encodeChecked('state', lost), qos: 1, retain: true };
  }

  private stateOnline(): StatePayload {
    return {
      v: PAYLOAD_VERSION,
      ts: this.clock.now(),
      session: this.session,
      online: true,
      agentVersion: this.options.agentVersion,
      manifestVersion: this.options.manifestVersion(),
    };
  }

  private async send<K extends OutboundKind>(client: MqttClient, kind: K, payload: PayloadOf<K>): Promise<void> {
    const body = encodeChecked(kind, payload);
    await client.publishAsync(outboundTopic(kind, this.options.config.deviceId), body, OUTBOUND[kind]);
  }

  private notify(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err }, 'link listener failed');
    }
  }
}
