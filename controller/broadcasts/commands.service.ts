// Imperative commands to one cluster (`devices/{id}/cmd`): play a bulletin or a stream, stop,
// volume, amplifier power, sync (re-send the manifest), restart. Architecture notes: commands
// are never retained; each has an id and an expiry, lives in the database while pending, and is
// re-sent whenever the device comes online again (or the controller's link reconnects) until a
// result arrives or it expires — Aedes' in-memory sessions lose QoS 1 messages across restarts.
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { type CommandPayload, type CommandResultPayload, encode, PAYLOAD_VERSION, type PriorityClass, topics } from '../../shared/index.js';
import type { Logger } from '../../platform/logger.js';
import type { CommandStatus } from '../db/schema/broadcasts.js';
import { AppError } from '../errors.js';
import type { ControllerMqtt } from '../mqtt/link.js';
import type { PlayableBulletin } from '../bulletins/playable.js';
import type { ManifestService } from './manifests.service.js';

export interface CommandRequest {
  op: CommandPayload['op'];
  bulletinId?: number;
  stream?: { url: string; durationMs?: number };
  class?: PriorityClass;
  volume?: number;
  level?: number;
  state?: 'on' | 'off';
  title?: string;
  ttlS?: number;
}

export interface CommandView {
  id: string;
  deviceId: string;
  op: string;
  payload: CommandPayload;
  status: CommandStatus;
  createdBy: string | null;
  createdAt: number;
  expiresAt: number;
  sentCount: number;
  lastSentAt: number | null;
  resultAt: number | null;
  error: string | null;
}

interface Row {
  id: string;
  device_id: string;
  op: string;
  payload: string;
  status: CommandStatus;
  created_by_name: string | null;
  created_at: number;
  expires_at: number;
  sent_count: number;
  last_sent_at: number | null;
  result_at: number | null;
  error: string | null;
}

export const newId = (prefix: string): string => `${prefix}-${randomBytes(8).toString('hex')}`;

export class CommandService {
  private readonly sent: Database.Statement;
  // Prepared once: resendPending runs for every cluster that comes online (a storm after a restart).
  private readonly pendingOf: Database.Statement;
  private readonly storeResult: Database.Statement;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly mqtt: Pick<ControllerMqtt, 'publish'>,
    private readonly manifests: ManifestService,
    private readonly playable: (id: number) => PlayableBulletin,
    private readonly options: { commandTtlS: number },
    private readonly logger: Logger,
    private readonly clock: () => number,
  ) {
    this.sent = sqlite.prepare('UPDATE commands SET sent_count = sent_count + 1, last_sent_at = ? WHERE id = ?');
    this.pendingOf = sqlite.prepare(`SELECT device_id, payload FROM commands WHERE device_id = ? AND status = 'pending' AND expires_at > ? ORDER BY created_at`);
    this.storeResult = sqlite.prepare(`UPDATE commands SET status = ?, result_at = ?, error = ? WHERE id = ? AND device_id = ? AND status = 'pending'`);
  }

  /** Builds the payload (resolving a bulletin to its delivery file); throws catalogue errors. */
  build(req: CommandRequest, now: number): CommandPayload {
    const base = { v: PAYLOAD_VERSION, ts: now, id: newId('cmd'), expiresAt: now + (req.ttlS ?? this.options.commandTtlS) * 1000 } as const;
    switch (req.op) {
      case 'play': {
        const cls = req.class ?? 'normal';
        if (req.bulletinId !== undefined && !req.stream) {
          const b = this.playable(req.bulletinId);
          const source = { type: 'media' as const, sha256: b.asset.sha256, url: b.asset.url, sizeBytes: b.asset.sizeBytes };
          return { ...base, op: 'play', params: { source, class: cls, durationMs: b.asset.durationMs, title: (req.title ?? b.title).slice(0, 200), ...vol(req.volume) } };
        }
        if (req.stream && req.bulletinId === undefined) {
          if (!/^https?:\/\//.test(req.stream.url)) throw new AppError('invalid_stream_url', { url: req.stream.url.slice(0, 200) });
          const params = { source: { type: 'stream' as const, url: req.stream.url }, class: cls, ...vol(req.volume), ...(req.title ? { title: req.title } : {}) };
          return { ...base, op: 'play', params: req.stream.durationMs ? { ...params, durationMs: req.stream.durationMs } : params };
        }
        throw new AppError('command_invalid', { detail: 'play needs exactly one of bulletinId or stream' });
      }
      case 'stop':
        return { ...base, op: 'stop', params: req.class ? { class: req.class } : {} };
      case 'volume':
        if (req.level === undefined) throw new AppError('command_invalid', { detail: 'volume needs level (0-100)' });
        return { ...base, op: 'volume', params: { level: req.level } };
      case 'power':
        if (!req.state) throw new AppError('command_invalid', { detail: 'power needs state on or off' });
        return { ...base, op: 'power', params: { state: req.state } };
      case 'sync':
        return { ...base, op: 'sync', params: {} };
      case 'restart':
        return { ...base, op: 'restart', params: {} };
    }
  }

  /** Stores the command as pending and publishes it (QoS 1, never retained). */
  send(deviceId: string, payload: CommandPayload, actor: { userId: number | null; name: string | null }): CommandView {
    const now = this.clock();
    this.sqlite
      .prepare(`INSERT INTO commands (id, device_id, op, payload, status, created_by, created_by_name, created_at, expires_at) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?)`)
      .run(payload.id, deviceId, payload.op, JSON.stringify(payload), actor.userId, actor.name, now, payload.expiresAt);
    // sync: the controller re-sends the manifest itself; the agent also answers the command.
    if (payload.op === 'sync') this.manifests.republish(deviceId);
    this.publish(deviceId, payload);
    return this.get(payload.id)!;
  }

  /** Re-sends a device's pending, unexpired commands (it came online again). */
  resendPending(deviceId: string): number {
    const rows = this.pendingOf.all(deviceId, this.clock()) as { device_id: string; payload: string }[];
    for (const r of rows) this.publish(r.device_id, JSON.parse(r.payload) as CommandPayload);
    return rows.length;
  }

  /** Re-sends every pending command (the controller's own link came back). */
  resendAllPending(): number {
    const rows = this.sqlite
      .prepare(`SELECT c.device_id, c.payload FROM commands c JOIN devices d ON d.id = c.device_id WHERE c.status = 'pending' AND c.expires_at > ? AND d.online = 1`)
      .all(this.clock()) as { device_id: string; payload: string }[];
    for (const r of rows) this.publish(r.device_id, JSON.parse(r.payload) as CommandPayload);
    return rows.length;
  }

  /** Stores a device's answer; only the device the command was sent to can answer it. */
  onResult(deviceId: string, result: CommandResultPayload, receivedAt: number): boolean {
    const { changes } = this.storeResult.run(result.status, receivedAt, result.error ?? null, result.id, deviceId);
    return changes > 0;
  }

  expire(now = this.clock()): number {
    return this.sqlite.prepare(`UPDATE commands SET status = 'expired' WHERE status = 'pending' AND expires_at <= ?`).run(now).changes;
  }

  /** A pending play command for this device refers to the file (download rights, retention). */
  references(sha256: string, deviceId?: string): boolean {
    const sql = `SELECT 1 FROM commands WHERE status = 'pending' AND expires_at > ? AND op = 'play' AND payload LIKE ? ${deviceId ? 'AND device_id = ?' : ''} LIMIT 1`;
    const args: (string | number)[] = [this.clock(), `%${sha256}%`];
    if (deviceId) args.push(deviceId);
    return this.sqlite.prepare(sql).get(...args) !== undefined;
  }

  list(deviceId: string, limit: number, offset: number): { items: CommandView[]; total: number } {
    const rows = this.sqlite.prepare('SELECT * FROM commands WHERE device_id = ? ORDER BY created_at DESC, id LIMIT ? OFFSET ?').all(deviceId, limit, offset) as Row[];
    const total = (this.sqlite.prepare('SELECT COUNT(*) AS n FROM commands WHERE device_id = ?').get(deviceId) as { n: number }).n;
    return { items: rows.map(view), total };
  }

  get(id: string): CommandView | undefined {
    const row = this.sqlite.prepare('SELECT * FROM commands WHERE id = ?').get(id) as Row | undefined;
    return row ? view(row) : undefined;
  }

  private publish(deviceId: string, payload: CommandPayload): void {
    this.sent.run(this.clock(), payload.id);
    this.mqtt
      .publish(topics.cmd(deviceId), encode('cmd', payload), { qos: 1, retain: false })
      .catch((err) => this.logger.warn({ err: (err as Error).message, deviceId, commandId: payload.id }, 'command publish failed; re-sent on reconnect'));
  }
}

const vol = (volume: number | undefined) => (volume === undefined ? {} : { volume });

function view(r: Row): CommandView {
  return {
    id: r.id,
    deviceId: r.device_id,
    op: r.op,
    payload: JSON.parse(r.payload) as CommandPayload,
    status: r.status,
    createdBy: r.created_by_name,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    sentCount: r.sent_count,
    lastSentAt: r.last_sent_at,
    resultAt: r.result_at,
    error: r.error,
  };
}
