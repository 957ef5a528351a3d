// The controller's MQTT client: it talks to the broker only over MQTT (so any MQTT 3.1.1 broker
// will do). Every received payload is parsed and validated here, once, before a handler sees
// it; bad ones are counted by reason and dropped.
import mqtt, { type MqttClient } from 'mqtt';
import { controllerSubscriptions, decode, type PayloadKind, type PayloadOf, parseTopic } from '../../shared/index.js';
import type { Logger } from '../../platform/logger.js';
import type { Metrics } from '../metrics.js';

type UpKind = 'state' | 'telemetry' | 'events' | 'cmd/result';
type Handler<K extends UpKind> = (deviceId: string, payload: PayloadOf<K>, receivedAt: number) => void;

export interface MqttLinkOptions {
  url: string;
  username: string;
  password: string;
  logger: Logger;
  metrics: Metrics;
  clientId?: string;
}

export class ControllerMqtt {
  private client: MqttClient | null = null;
  private readonly handlers: { [K in UpKind]?: Handler<K>[] } = {};
  private readonly connectListeners: (() => void)[] = [];

  constructor(private readonly options: MqttLinkOptions) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  on<K extends UpKind>(kind: K, handler: Handler<K>): void {
    const list = (this.handlers[kind] ?? []) as Handler<K>[];
    list.push(handler);
    (this.handlers as Record<string, unknown>)[kind] = list;
  }

  /** Called after every (re)connection, e.g. to re-send pending commands. */
  onConnect(listener: () => void): void {
    this.connectListeners.push(listener);
  }

  /** Connects and subscribes; resolves once the first connection is up. */
  start(url = this.options.url, timeoutMs = 15_000): Promise<void> {
    const { username, password, logger } = this.options;
    const client = mqtt.connect(url, {
      clientId: this.options.clientId ?? 'loa-controller',
      username,
      password,
      protocolVersion: 4,
      // A persistent session: while the controller restarts, the broker keeps QoS 1 events and
      // command results for it.
      clean: false,
      keepalive: 30,
      reconnectPeriod: 2_000,
      connectTimeout: 10_000,
    });
    this.client = client;
    client.on('message', (topic, payload) => this.dispatch(topic, payload));
    client.on('error', (err) => logger.warn({ err: err.message }, 'mqtt link error'));
    client.on('offline', () => {
      this.options.metrics.mqttLinkDrops.inc();
      logger.warn('mqtt link offline');
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`cannot reach the MQTT broker at ${url} within ${timeoutMs} ms`)), timeoutMs);
      client.on('connect', () => {
        client.subscribe(controllerSubscriptions, { qos: 1 }, (err) => {
          if (err) logger.error({ err }, 'mqtt subscribe failed');
          logger.info({ url }, 'mqtt link connected');
          clearTimeout(timer);
          resolve();
          for (const listener of this.connectListeners) listener();
        });
      });
    });
  }

  async stop(graceMs = 2_000): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    // mqtt.js end() waits for every in-flight QoS 1 publish to be acknowledged, forever if the
    // link is down (a stop during an emergency hung this way). Wait a bounded time for them,
    // then close: a clean DISCONNECT if nothing is left in flight, else drop the socket.
    const inFlight = () => Object.keys(client.outgoing).length;
    if (client.connected && inFlight() > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        client.once('outgoingEmpty', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await client.endAsync(inFlight() > 0);
  }

  publish(topic: string, payload: Buffer, opts: { qos: 0 | 1; retain?: boolean }): Promise<void> {
    const client = this.client;
    if (!client) return Promise.reject(new Error('mqtt link not started'));
    const kind = parseTopic(topic)?.kind ?? 'other';
    this.options.metrics.mqttMessagesOut.inc({ kind });
    return new Promise((resolve, reject) =>
      client.publish(topic, payload, { qos: opts.qos, retain: opts.retain ?? false }, (err) => (err ? reject(err) : resolve())),
    );
  }

  private logWindowStart = 0;
  private loggedInWindow = 0;

  private logBudget(now: number): boolean {
    if (now - this.logWindowStart > 60_000) {
      this.logWindowStart = now;
      this.loggedInWindow = 0;
    }
    return ++this.loggedInWindow <= 20;
  }

  private dispatch(topic: string, payload: Buffer): void {
    const receivedAt = Date.now();
    const parsed = parseTopic(topic);
    const { metrics, logger } = this.options;
    if (parsed?.scope !== 'device') {
      metrics.payloadsDropped.inc({ kind: 'unknown', reason: 'unknown_topic' });
      return;
    }
    const kind = parsed.kind as PayloadKind;
    metrics.mqttMessagesIn.inc({ kind });
    // A retained state is cleared by an empty payload; that is not an error.
    if (payload.length === 0) return;
    const result = decode(kind, payload);
    if (!result.ok) {
      metrics.payloadsDropped.inc({ kind, reason: result.error.reason });
      // Every drop is counted; only the first few a minute are logged, so a misbehaving
      // fleet cannot flood the log (the counter on /metrics has the full figure).
      if (this.logBudget(receivedAt)) {
        logger.warn({ deviceId: parsed.deviceId, kind, reason: result.error.reason, detail: result.error.detail }, 'dropped a bad payload');
      }
      return;
    }
    const handlers = this.handlers[kind as UpKind] as Handler<UpKind>[] | undefined;
    for (const handler of handlers ?? []) {
      try {
        handler(parsed.deviceId, result.value as PayloadOf<UpKind>, receivedAt);
      } catch (err) {
        metrics.payloadsDropped.inc({ kind, reason: 'handler_error' });
        logger.error({ err, deviceId: parsed.deviceId, kind }, 'handler failed');
      }
    }
  }
}
