// Each device's presence: online/offline as separate, timestamped facts. Transitions come from
// the device's retained `state` (online on connect, Last Will or shutdown when it goes) and from
// silence: a device the broker still counts as connected but which has sent nothing for
// `offlineAfterMissed` heartbeat intervals is marked offline (`heartbeat_timeout`). Every
// transition is stored; uptime is computed from them, never guessed. What the controller
// believes changes at once (events, the online count); the rows follow in one transaction per
// turn of the event loop — one commit per transition cost ~1 ms each, 17 s of the event loop
// when 10,000 clusters reconnected (fleet benchmark profile).
import { EventEmitter } from 'node:events';
import type Database from 'better-sqlite3';
import type { StatePayload } from '../../shared/index.js';
import type { Logger } from '../../platform/logger.js';
import type { PresenceReason } from '../db/schema/devices.js';
import type { Metrics } from '../metrics.js';

export interface PresenceChange {
  deviceId: string;
  online: boolean;
  at: number;
  reason: PresenceReason;
}

interface Known {
  online: boolean;
  lastSeenAt: number;
  /** Session (StateSchema.session) of the last state applied; an older session's state is stale. */
  lastSession: number;
  /** When the device last went offline: a heartbeat received before then must not bring it back. */
  offlineAt: number;
}

type PresenceWrite =
  | { kind: 'state'; deviceId: string; at: number; agentVersion: string | null; manifestVersion: number | null }
  | { kind: 'change'; change: PresenceChange };

export class PresenceService extends EventEmitter<{ change: [PresenceChange] }> {
  private readonly known = new Map<string, Known>();
  /** Kept with every transition: counting the map on each one made a reconnect storm O(N²). */
  private online = 0;
  private readonly setOnline: Database.Statement;
  private readonly insertChange: Database.Statement;
  private readonly updateState: Database.Statement;
  private readonly findDevice: Database.Statement;
  private readonly applyWrites: (writes: PresenceWrite[]) => void;
  private writes: PresenceWrite[] = [];
  private flushScheduled = false;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly silenceLimitMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    super();
    this.setOnline = sqlite.prepare('UPDATE devices SET online = ? WHERE id = ?');
    this.insertChange = sqlite.prepare('INSERT INTO device_state_changes (device_id, online, at, reason) VALUES (?, ?, ?, ?)');
    this.updateState = sqlite.prepare(
      'UPDATE devices SET last_state_at = ?, last_seen_at = ?, agent_version = COALESCE(?, agent_version), manifest_version_held = COALESCE(?, manifest_version_held) WHERE id = ?',
    );
    this.findDevice = sqlite.prepare('SELECT last_seen_at FROM devices WHERE id = ?');
    this.applyWrites = sqlite.transaction((writes: PresenceWrite[]) => {
      for (const w of writes) {
        if (w.kind === 'state') {
          this.updateState.run(w.at, w.at, w.agentVersion, w.manifestVersion, w.deviceId);
        } else {
          this.setOnline.run(w.change.online ? 1 : 0, w.change.deviceId);
          this.insertChange.run(w.change.deviceId, w.change.online ? 1 : 0, w.change.at, w.change.reason);
        }
      }
    });
  }

  /**
   * Loads every device. What the previous run believed is stale (it could not watch while it
   * was down), so devices it left online are closed with `controller_restart`; their retained
   * state and next heartbeat bring them back.
   */
  start(): void {
    const now = this.clock();
    this.online = 0;
    const rows = this.sqlite.prepare('SELECT id, online, last_seen_at FROM devices').all() as { id: string; online: number; last_seen_at: number | null }[];
    for (const row of rows) {
      this.known.set(row.id, { online: false, lastSeenAt: row.last_seen_at ?? 0, lastSession: 0, offlineAt: now });
      if (row.online) this.write({ kind: 'change', change: { deviceId: row.id, online: false, at: now, reason: 'controller_restart' } });
    }
    this.flush();
    this.refreshGauge();
  }

  /** True for a provisioned device; a device added by another process (`loa device add`) is looked up. */
  isKnown(deviceId: string): boolean {
    if (this.known.has(deviceId)) return true;
    const row = this.findDevice.get(deviceId) as { last_seen_at: number | null } | undefined;
    if (!row) return false;
    this.known.set(deviceId, { online: false, lastSeenAt: row.last_seen_at ?? 0, lastSession: 0, offlineAt: 0 });
    return true;
  }

  addDevice(deviceId: string): void {
    if (!this.known.has(deviceId)) this.known.set(deviceId, { online: false, lastSeenAt: 0, lastSession: 0, offlineAt: 0 });
  }

  onState(deviceId: string, payload: StatePayload, receivedAt: number): void {
    if (!this.isKnown(deviceId)) {
      this.metrics.payloadsDropped.inc({ kind: 'state', reason: 'unknown_device' });
      return;
    }
    const known = this.known.get(deviceId)!;
    // When a half-open connection is taken over, the old session's Last Will can arrive after
    // the new session's online state; the session stamp tells which is newer.
    if (payload.session !== undefined) {
      if (payload.session < known.lastSession) {
        this.metrics.payloadsDropped.inc({ kind: 'state', reason: 'stale_session' });
        return;
      }
      known.lastSession = payload.session;
    }
    known.lastSeenAt = receivedAt;
    this.write({ kind: 'state', deviceId, at: receivedAt, agentVersion: payload.agentVersion ?? null, manifestVersion: payload.manifestVersion ?? null });
    const reason: PresenceReason = payload.online ? 'connected' : (payload.reason ?? 'lost');
    this.transition(deviceId, payload.online, reason, receivedAt);
  }

  /**
   * Heartbeats were committed for these devices (id → when the newest was received): they are
   * alive. Heartbeats are written in batches, so one received just before the device said
   * goodbye (its `shutdown` state or Last Will) is committed just after: it is older news than
   * the goodbye and must not bring the device back online.
   */
  onSeen(seen: Iterable<[string, number]>): void {
    for (const [id, receivedAt] of seen) {
      const known = this.known.get(id);
      if (!known) continue;
      known.lastSeenAt = Math.max(known.lastSeenAt, receivedAt);
      if (!known.online && receivedAt > known.offlineAt) this.transition(id, true, 'connected', receivedAt);
    }
  }

  /** Marks silent devices offline; run periodically. */
  sweep(now = this.clock()): number {
    let marked = 0;
    for (const [id, known] of this.known) {
      if (known.online && now - known.lastSeenAt > this.silenceLimitMs) {
        this.transition(id, false, 'heartbeat_timeout', now);
        marked++;
      }
    }
    return marked;
  }

  onlineCount(): number {
    return this.online;
  }

  private transition(deviceId: string, online: boolean, reason: PresenceReason, at: number): void {
    const known = this.known.get(deviceId);
    if (!known || known.online === online) return;
    known.online = online;
    this.online += online ? 1 : -1;
    if (!online) known.offlineAt = at;
    const change = { deviceId, online, at, reason };
    this.write({ kind: 'change', change });
    this.refreshGauge();
    this.emit('change', change);
  }

  /** Commits the queued presence rows in one transaction (next turn of the event loop, or on stop). */
  flush(): void {
    this.flushScheduled = false;
    const writes = this.writes;
    if (writes.length === 0) return;
    this.writes = [];
    try {
      this.applyWrites(writes);
    } catch (err) {
      this.logger.error({ err, rows: writes.length }, 'presence write failed');
    }
  }

  private write(w: PresenceWrite): void {
    this.writes.push(w);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private refreshGauge(): void {
    this.metrics.devicesOnline.set(this.onlineCount());
  }
}
