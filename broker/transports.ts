// The three ways in: MQTT over TCP, over TLS, over WebSocket. Each server only admits
// connections (rate limit) and hands a byte stream plus the peer address to the broker; the
// broker does the rest the same way for all three.
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { Logger } from 'pino';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { ConnectRateLimiter } from './rate-limit.js';

export interface TransportDeps {
  logger: Logger;
  limiter: ConnectRateLimiter;
  /** A connection was refused by the rate limit (already destroyed). */
  onRateLimited: (remoteAddress: string) => void;
  /** A connection was admitted and (for TLS/WebSocket) its handshake completed. */
  onConnection: (stream: Duplex, remoteAddress: string) => void;
  /** A WebSocket message exceeded the size cap (the connection is being closed). */
  onWsMessageTooLarge: (stream: Duplex) => void;
  /** Largest MQTT packet; bounds WebSocket messages too. */
  maxPacketBytes: number;
}

/**
 * Checked on the raw TCP socket, before any TLS handshake or HTTP upgrade is spent on it.
 * Over the limit the socket is destroyed at once: no CONNACK, since nothing has been read yet.
 */
function admit(socket: net.Socket, deps: TransportDeps): boolean {
  const address = socket.remoteAddress;
  if (address !== undefined && deps.limiter.take(address)) return true;
  socket.destroy();
  deps.onRateLimited(address ?? 'unknown');
  return false;
}

export function createTcpServer(deps: TransportDeps): net.Server {
  // noDelay: QoS 1 is request/response in small packets; Nagle plus delayed ACKs would add up
  // to 40 ms per PUBACK and halve throughput.
  return net.createServer({ noDelay: true }, (socket) => {
    if (admit(socket, deps)) deps.onConnection(socket, socket.remoteAddress!);
  });
}

export function createTlsServer(deps: TransportDeps, credentials: { cert: Buffer; key: Buffer }): tls.Server {
  const server = tls.createServer({ ...credentials, noDelay: true }, (socket) => {
    deps.onConnection(socket, socket.remoteAddress ?? 'unknown');
  });
  // Runs before tls.Server's own 'connection' listener, which starts the handshake.
  server.prependListener('connection', (socket: net.Socket) => admit(socket, deps));
  server.on('tlsClientError', (err, socket) => {
    deps.logger.debug({ remoteAddress: socket.remoteAddress, err: err.message }, 'TLS handshake failed');
    socket.destroy();
  });
  return server;
}

export interface WsTransport {
  server: http.Server;
  wss: WebSocketServer;
}

export function createWsServer(deps: TransportDeps): WsTransport {
  const server = http.createServer({ noDelay: true }, (_req, res) => {
    res.writeHead(426, { Upgrade: 'websocket', 'Content-Type': 'text/plain' }).end('MQTT over WebSocket only\n');
  });
  server.prependListener('connection', (socket: net.Socket) => admit(socket, deps));
  server.on('clientError', (_err, socket) => socket.destroy());
  const wss = new WebSocketServer({
    server,
    clientTracking: false,
    // ws buffers a whole WebSocket message before handing it over (default cap 100 MB). An MQTT
    // client sends at most one packet per message in practice, so cap a message at the largest
    // packet plus its fixed header; the packet-size guard still checks each packet inside.
    maxPayload: deps.maxPacketBytes + 5,
    // [MQTT-6.0.0-4]: the server must select the "mqtt" subprotocol when the client offers it.
    handleProtocols: (offered) => (offered.has('mqtt') ? 'mqtt' : offered.has('mqttv3.1') ? 'mqttv3.1' : false),
  });
  wss.on('error', (err) => deps.logger.error({ err }, 'WebSocket server error'));
  wss.on('connection', (ws, req) => {
    const remoteAddress = req.socket.remoteAddress ?? 'unknown';
    const stream = createWebSocketStream(ws);
    ws.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') deps.onWsMessageTooLarge(stream);
      else deps.logger.debug({ remoteAddress, err: err.message }, 'WebSocket error');
    });
    deps.onConnection(stream, remoteAddress);
  });
  return { server, wss };
}
