// Test helpers for playback: tiny real audio made by ffmpeg's lavfi sources, a controller media
// server on port 0 (Basic auth, Range, ETag, fault injection, /api/v1/time), and a controller
// on MQTT that records events, acknowledges them and sends manifests and commands.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { encode } from '../../shared/decode.js';
import type { CommandPayload, DeviceEvent, ManifestItem, ManifestPayload } from '../../shared/payloads.js';
import { topics } from '../../shared/topics.js';
import { connectController, type Observer } from '../test-support.js';
import { ffmpegPath } from './players/ffmpeg.js';

export interface Audio {
  file: string;
  bytes: Buffer;
  sha256: string;
  durationMs: number;
}

/** A sine tone encoded like the controller's delivery format (Opus mono 24 kb/s in Ogg). */
export async function makeAudio(dir: string, seconds: number, frequency = 440): Promise<Audio> {
  const file = path.join(dir, `tone-${frequency}-${seconds}.opus`);
  await promisify(execFile)(ffmpegPath(), [
    '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${frequency}:duration=${seconds}`,
    '-ac', '1', '-c:a', 'libopus', '-b:a', '24k', file,
  ]);
  const bytes = readFileSync(file);
  return { file, bytes, sha256: createHash('sha256').update(bytes).digest('hex'), durationMs: seconds * 1000 };
}

export interface ServedRequest {
  url: string;
  range?: string;
  authorized: boolean;
}

/** Answers one request instead of the normal handler; return true when it did. */
export type Fault = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => boolean;

export interface MediaServer {
  url: string;
  files: Map<string, Buffer>;
  requests: ServedRequest[];
  /** Injected misbehaviour per hash, used before the normal handler. */
  faults: Map<string, Fault>;
  /** Public audio under /stream/<name>, standing for a provincial radio's relay stream. */
  streams: Map<string, Buffer>;
  /** Added to the clock the time endpoint reports. */
  clockSkewMs: number;
  close(): Promise<void>;
}

export async function startMediaServer(user: string, password: string): Promise<MediaServer> {
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const sockets = new Set<net.Socket>();
  const server: MediaServer = {
    url: '',
    files: new Map(),
    requests: [],
    faults: new Map(),
    streams: new Map(),
    clockSkewMs: 0,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => http_.close(() => resolve()));
    },
  };
  const http_ = http.createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/api/v1/time') {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ now: Date.now() + server.clockSkewMs }));
    }
    const stream = url.startsWith('/stream/') ? server.streams.get(url.slice('/stream/'.length)) : undefined;
    if (stream) {
      res.setHeader('content-type', 'audio/ogg');
      return res.end(stream);
    }
    const authorized = req.headers.authorization === expected;
    server.requests.push({ url, ...(req.headers.range ? { range: req.headers.range } : {}), authorized });
    if (!authorized) {
      res.statusCode = 401;
      res.setHeader('www-authenticate', 'Basic realm="loa"');
      return res.end();
    }
    const sha = /^\/api\/v1\/media\/([0-9a-f]{64})$/.exec(url)?.[1];
    const body = sha ? server.files.get(sha) : undefined;
    if (!sha || !body) {
      res.statusCode = 404;
      return res.end('not found');
    }
    if (server.faults.get(sha)?.(req, res, body)) return;
    res.setHeader('etag', `"${sha}"`);
    res.setHeader('accept-ranges', 'bytes');
    res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    if (req.headers['if-none-match'] === `"${sha}"`) {
      res.statusCode = 304;
      return res.end();
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      if (start >= body.length) {
        res.statusCode = 416;
        res.setHeader('content-range', `bytes */${body.length}`);
        return res.end();
      }
      res.statusCode = 206;
      res.setHeader('content-range', `bytes ${start}-${body.length - 1}/${body.length}`);
      res.setHeader('content-length', body.length - start);
      return res.end(body.subarray(start));
    }
    res.setHeader('content-length', body.length);
    res.end(body);
  });
  http_.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => http_.listen(0, '127.0.0.1', resolve));
  server.url = `http://127.0.0.1:${(http_.address() as net.AddressInfo).port}`;
  return server;
}

export const mediaUrl = (sha256: string) => `/api/v1/media/${sha256}`;

export function mediaItem(id: string, audio: Pick<Audio, 'sha256' | 'durationMs'>, startAt: number, cls: ManifestItem['class'] = 'normal'): ManifestItem {
  return {
    id,
    occurrenceId: `occ-${id}`,
    startAt,
    durationMs: audio.durationMs,
    class: cls,
    source: { type: 'media', sha256: audio.sha256, url: mediaUrl(audio.sha256) },
  };
}

export function manifest(deviceId: string, version: number, items: ManifestItem[], config: Partial<ManifestPayload['config']> = {}): ManifestPayload {
  return {
    v: 1,
    ts: Date.now(),
    deviceId,
    version,
    horizonEnd: Date.now() + 7 * 86_400_000,
    timezone: 'Asia/Ho_Chi_Minh',
    items,
    config: { heartbeatIntervalS: 30, defaultVolume: 80, powerLeadS: 0, cacheMaxBytes: 50_000_000, ...config },
  };
}

/** The controller's side of the wire for one device: events (acknowledged), results, manifests, commands. */
export class ControllerSim {
  readonly events: DeviceEvent[] = [];
  /** Acknowledge received events (as a controller that committed them). */
  autoAck = true;
  private constructor(
    readonly observer: Observer,
    readonly deviceId: string,
  ) {
    observer.client.on('message', (topic, payload) => {
      if (topic !== topics.events(deviceId)) return;
      const batch = JSON.parse(payload.toString()) as { events: DeviceEvent[] };
      this.events.push(...batch.events);
      // A controller that loses its connection mid-way just does not acknowledge; the agent sends again.
      if (this.autoAck) this.ack(batch.events[batch.events.length - 1]!.seq).catch(() => undefined);
    });
  }

  static async connect(brokerUrl: string, deviceId: string): Promise<ControllerSim> {
    const observer = await connectController(brokerUrl, [topics.events(deviceId), topics.cmdResult(deviceId)]);
    return new ControllerSim(observer, deviceId);
  }

  /** Events by sequence, each once (re-sent duplicates collapse). */
  get uniqueEvents(): DeviceEvent[] {
    const bySeq = new Map(this.events.map((e) => [e.seq, e]));
    return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  ofType(type: DeviceEvent['type']): DeviceEvent[] {
    return this.uniqueEvents.filter((e) => e.type === type);
  }

  async ack(seq: number): Promise<void> {
    await this.observer.client.publishAsync(topics.eventsAck(this.deviceId), encode('events/ack', { v: 1, ts: Date.now(), seq }), { qos: 1 });
  }

  async sendManifest(m: ManifestPayload | string): Promise<void> {
    const body = typeof m === 'string' ? m : JSON.stringify(m);
    await this.observer.client.publishAsync(topics.manifest(this.deviceId), body, { qos: 1, retain: true });
  }

  async command(cmd: CommandPayload, areaCode?: string): Promise<void> {
    const topic = areaCode ? topics.areaCmd(areaCode) : topics.cmd(this.deviceId);
    await this.observer.client.publishAsync(topic, encode('cmd', cmd), { qos: 1 });
  }

  results(id: string): Record<string, unknown>[] {
    return this.observer.messages
      .filter((m) => m.topic === topics.cmdResult(this.deviceId))
      .map((m) => JSON.parse(m.payload.toString()) as Record<string, unknown>)
      .filter((r) => r.id === id);
  }

  close(): Promise<void> {
    return this.observer.close();
  }
}

/** Lines of the file player's log. */
export function playedLog(dataDir: string): { key: string; itemId?: string; commandId?: string; sha256?: string; startedAt: number; endedAt: number; outcome: string; file: string }[] {
  try {
    return readFileSync(path.join(dataDir, 'played', 'played.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  } catch {
    return [];
  }
}
