// The Loa MQTT broker: aedes with device authentication, the topic ACL, a packet-size limit and
// per-address connection-rate limiting, over TCP, and optionally WebSocket and TLS.
// Nothing happens until start(); stop() releases every port, timer and connection.
import type { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import type http from 'node:http';
import type net from 'node:net';
import type { Duplex, Writable } from 'node:stream';
import { Aedes, type AedesOptions, type Client } from 'aedes';
import type { Logger } from 'pino';
import { listen } from '../platform/listen.js';
import type { Authenticate } from './identity.js';
import { guardPacketSize } from './packet-size-guard.js';
import { unwindingPublished } from './publish-depth.js';
import { createPolicy } from './policy.js';
import { ConnectRateLimiter } from './rate-limit.js';
import { MessageBus } from './message-bus.js';
import { loaPersistence } from './persistence.js';
import { type BrokerStats, StatsCounters } from './stats.js';
import { createTcpServer, createTlsServer, createWsServer, type TransportDeps } from './transports.js';
import { coalesceWrites } from './write-coalescing.js';

export interface LoaBrokerOptions {
  authenticate: Authenticate;
  logger: Logger;
  host: string;
  /** MQTT over TCP; 0 = any free port. */
  port: number;
  /** MQTT over WebSocket on its own port; unset = off. */
  wsPort?: number;
  /** MQTT over TLS; `cert` and `key` are PEM file paths. */
  tls?: { cert: string; key: string; port: number };
  /** Largest accepted MQTT packet ("remaining length"); a larger one closes the connection. */
  maxPacketBytes: number;
  /** A client whose socket does not drain within this time is disconnected (aedes drainTimeout). */
  drainTimeoutMs: number;
  /** Connections one remote address may open at once. */
  connectBurst: number;
  /** Sustained connections per second allowed from one remote address. */
  connectRatePerS: number;
  /** Drops what `authenticate` remembers of a username (a revoked device must not get back in on a cached answer). */
  forgetCredentials?: (username: string) => void;
}

export interface BrokerPorts {
  mqttPort: number;
  wsPort?: number;
  tlsPort?: number;
}

export interface LoaBroker {
  start(): Promise<BrokerPorts>;
  stop(): Promise<void>;
  /** A snapshot of the counters, for the controller's metrics. */
  stats(): BrokerStats;
}

export function createLoaBroker(options: LoaBrokerOptions): LoaBroker {
  const logger = options.logger.child({ module: 'broker' });
  const counters = new StatsCounters();
  const addresses = new WeakMap<object, string>();
  const connections = new Set<Duplex>();
  const servers: net.Server[] = [];
  const policy = createPolicy({
    authenticate: options.authenticate,
    logger,
    stats: counters,
    remoteAddressOf: (client) => addresses.get(client.conn) ?? 'unknown',
    // A service (the controller) subscribes to the whole fleet's uplink: one packet per heartbeat
    // and event. Its writes go out once per turn of the event loop (write-coalescing.ts).
    onAuthenticated: (client, identity) => {
      if (identity.kind === 'service') coalesceWrites(client.conn as unknown as Writable);
    },
    // The controller withdrew a device's access (disabled, secret rotated): its live connection
    // goes now, and with it its Last Will (offline). Reconnecting is checked afresh and refused.
    onRevocation: ({ deviceId, reason }) => {
      options.forgetCredentials?.(deviceId);
      // Aedes' table of connected clients, by client id (= device id for devices, acl.ts).
      const clients = (aedes as unknown as { clients: Record<string, Client> } | null)?.clients;
      const client = clients && Object.hasOwn(clients, deviceId) ? clients[deviceId] : undefined;
      if (!client) {
        counters.revocations.not_connected++;
        logger.info({ deviceId, reason }, 'MQTT revocation: device not connected');
        return;
      }
      counters.revocations.closed++;
      logger.warn({ deviceId, reason }, 'MQTT connection closed: access revoked');
      client.close();
    },
  });
  const limiter = new ConnectRateLimiter({ burst: options.connectBurst, ratePerS: options.connectRatePerS });
  let aedes: Aedes | null = null;
  let phase: 'idle' | 'starting' | 'running' | 'stopped' = 'idle';
  let starting: Promise<BrokerPorts> | null = null;
  let lastRateWarn = 0;
  let rateRefusedSinceWarn = 0;

  // Shared by every connection, so accepting one allocates no per-connection closures for them.
  const countBytes = (bytes: number) => {
    counters.bytesIn += bytes;
  };
  const forgetConnection = function (this: Duplex) {
    connections.delete(this);
  };
  const closedForSize = new WeakSet<Duplex>();
  // Both the packet-size guard and ws' message cap may fire for the same connection; count once.
  const onTooLarge = (stream: Duplex) => {
    if (closedForSize.has(stream)) return;
    closedForSize.add(stream);
    counters.connectionsRefused.packet_too_large++;
    const clientId = (stream as Duplex & { client?: { id: string | null } }).client?.id ?? undefined;
    logger.warn(
      { remoteAddress: addresses.get(stream), clientId, maxBytes: options.maxPacketBytes },
      'MQTT connection closed: packet larger than the limit',
    );
  };

  const guardOptions = { maxBytes: options.maxPacketBytes, onBytes: countBytes, onTooLarge };

  const transportDeps: TransportDeps = {
    logger,
    limiter,
    maxPacketBytes: options.maxPacketBytes,
    onConnection(stream, remoteAddress) {
      if (aedes === null || phase !== 'running') {
        stream.destroy();
        return;
      }
      counters.connectionsAccepted++;
      addresses.set(stream, remoteAddress);
      connections.add(stream);
      stream.on('close', forgetConnection);
      guardPacketSize(stream, guardOptions);
      aedes.handle(stream);
    },
    onRateLimited(remoteAddress) {
      counters.connectionsRefused.rate++;
      rateRefusedSinceWarn++;
      // A reconnect loop produces thousands of these; one line per 10 s says enough.
      const now = Date.now();
      if (now - lastRateWarn >= 10_000) {
        logger.warn({ remoteAddress, refused: rateRefusedSinceWarn }, 'MQTT connections refused by the rate limit');
        lastRateWarn = now;
        rateRefusedSinceWarn = 0;
      }
    },
    onWsMessageTooLarge: onTooLarge,
  };

  async function startServer(server: net.Server, port: number, envVar: string): Promise<number> {
    servers.push(server);
    return listen(server, port, options.host, envVar);
  }

  async function start(): Promise<BrokerPorts> {
    if (phase !== 'idle') throw new Error(`the broker cannot start: it is ${phase}`);
    phase = 'starting';
    starting = startAll();
    return starting;
  }

  async function startAll(): Promise<BrokerPorts> {
    try {
      // Our message bus (message-bus.ts) instead of mqemitter: exact filters in a Map, not a trie.
      // It has no queue, as mqemitter with concurrency 0 had: mqemitter's default (100) queues
      // publishes beyond 100 in flight and drains them by synchronous recursion that overflows the
      // stack under a heartbeat burst (moscajs/aedes#193). Each client already waits for its
      // publish to finish before parsing its next packets, so in-flight messages stay bounded.
      aedes = await Aedes.createBroker({
        ...policy.hooks,
        published: unwindingPublished(),
        mq: new MessageBus(),
        drainTimeout: options.drainTimeoutMs,
        // Retained messages by exact topic, in-flight messages indexed per client (persistence.ts).
        persistence: loaPersistence({ mayStore: policy.maySubscribe }) as AedesOptions['persistence'],
      });
      policy.installDropFilter(aedes);
      aedes.on('clientError', (client, err) => logger.debug({ clientId: client.id, err: err.message }, 'MQTT client error'));
      aedes.on('connectionError', (_client, err) => logger.debug({ err: err.message }, 'MQTT connection error'));
      aedes.on('clientDisconnect', (client) => logger.debug({ clientId: client.id }, 'MQTT client disconnected'));
      (aedes as EventEmitter).on('error', (err: unknown) => logger.error({ err }, 'MQTT broker error'));
      limiter.start();
      phase = 'running';
      const ports: BrokerPorts = {
        mqttPort: await startServer(createTcpServer(transportDeps), options.port, 'LOA_MQTT_PORT'),
      };
      if (options.wsPort !== undefined) {
        const { server } = createWsServer(transportDeps);
        ports.wsPort = await startServer(server, options.wsPort, 'LOA_MQTT_WS_PORT');
      }
      if (options.tls) {
        const [cert, key] = await Promise.all([readFile(options.tls.cert), readFile(options.tls.key)]);
        const server = createTlsServer(transportDeps, { cert, key });
        ports.tlsPort = await startServer(server, options.tls.port, 'LOA_MQTT_TLS_PORT');
      }
      logger.info({ host: options.host, ...ports }, 'MQTT broker listening');
      return ports;
    } catch (err) {
      await shutdown();
      throw err;
    }
  }

  async function shutdown(): Promise<void> {
    phase = 'stopped';
    // Stop accepting first; each close callback fires once its last connection has ended.
    const closed = servers.map(
      (server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
    );
    const broker = aedes;
    aedes = null;
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    // aedes closes only clients that completed CONNECT; end the rest (silent or mid-handshake).
    for (const stream of connections) stream.destroy();
    connections.clear();
    for (const server of servers) (server as http.Server).closeAllConnections?.();
    await Promise.all(closed);
    servers.length = 0;
    limiter.stop();
  }

  return {
    start,
    async stop() {
      // A start in progress finishes (or fails and cleans up) before we take it down.
      await starting?.catch(() => undefined);
      if (phase === 'idle') phase = 'stopped';
      if (phase === 'stopped') return;
      await shutdown();
      logger.info('MQTT broker stopped');
    },
    stats: () => counters.snapshot(aedes?.connectedClients ?? 0),
  };
}
