// Proof-of-play ingest. Agents upload their numbered outbox on `devices/{id}/events`; batches are
// queued and written in one transaction with prepared statements, idempotently by (device, seq)
// (a re-upload after an outage changes nothing). Only after COMMIT does the controller publish
// `events/ack` with the highest contiguous committed sequence, so the agent drops from its outbox
// only what is safely stored (architecture notes: QoS 1 PUBACK is not proof). A controller that
// dies before the commit never acknowledges: the agent uploads the same events again.
import type Database from 'better-sqlite3';
import { type DeviceEvent, encode, type EventsPayload, PAYLOAD_VERSION, topics } from '../../shared/index.js';
import type { Logger } from '../../platform/logger.js';
import type { Metrics } from '../metrics.js';
import type { ControllerMqtt } from '../mqtt/link.js';
import type { EmergencyTracker } from './emergency-tracker.js';

interface Pending {
  deviceId: string;
  events: DeviceEvent[];
  receivedAt: number;
}

const PLAY_STATUS: Partial<Record<DeviceEvent['type'], string>> = {
  play_started: 'started',
  play_finished: 'finished',
  play_interrupted: 'interrupted',
  play_failed: 'failed',
  play_skipped: 'skipped',
};

export class EventIngest {
  private queue: Pending[] = [];
  private queuedEvents = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly cursors = new Map<string, number>();
  private readonly write: (batch: Pending[]) => { acks: Map<string, number>; started: { emergencyId: string; deviceId: string; startedAt: number; receivedAt: number }[]; played: Set<string> };
  /** Told, after each commit, which clusters reported a scheduled airing (the console's live views). */
  onPlayback: (deviceIds: string[]) => void = () => {};

  constructor(
    sqlite: Database.Database,
    private readonly mqtt: Pick<ControllerMqtt, 'publish'>,
    private readonly tracker: EmergencyTracker,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly options: { maxEvents?: number; maxDelayMs?: number } = {},
  ) {
    const insert = sqlite.prepare(
      `INSERT OR IGNORE INTO device_events (device_id, seq, ts, type, item_id, occurrence_id, command_id, emergency_id, body, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const exists = sqlite.prepare('SELECT 1 FROM device_events WHERE device_id = ? AND seq = ?').pluck();
    const readCursor = sqlite.prepare('SELECT committed_seq FROM device_event_cursors WHERE device_id = ?').pluck();
    const writeCursor = sqlite.prepare(
      'INSERT INTO device_event_cursors (device_id, committed_seq) VALUES (?, ?) ON CONFLICT(device_id) DO UPDATE SET committed_seq = excluded.committed_seq',
    );
    const result = sqlite.prepare(
      // Events of one device may be committed out of order (a gap filled later): a start never
      // overrides an end already stored.
      `UPDATE playback_results SET status = CASE WHEN ? = 'started' AND status IN ('finished', 'interrupted', 'failed', 'skipped') THEN status ELSE ? END, started_at = COALESCE(?, started_at), ended_at = COALESCE(?, ended_at), skew_ms = COALESCE(?, skew_ms),
         reason = COALESCE(?, reason), interrupted_by = COALESCE(?, interrupted_by), updated_at = ? WHERE device_id = ? AND item_id = ?`,
    );
    // An item the device played that we no longer had as planned (withdrawn after it was sent).
    const resultInsert = sqlite.prepare(
      `INSERT OR IGNORE INTO playback_results (device_id, item_id, occurrence_id, item_index, commune_code, planned_start_at, duration_ms, status, started_at, ended_at, skew_ms, reason, interrupted_by, updated_at)
       SELECT ?, ?, ?, ?, s.commune_code, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM devices d JOIN stations s ON s.id = d.station_id WHERE d.id = ?`,
    );
    const emergencyStarted = sqlite.prepare(
      `INSERT INTO emergency_devices (emergency_id, device_id, commune_code, started_at, started_received_at)
       SELECT ?, ?, s.commune_code, ?, ? FROM devices d JOIN stations s ON s.id = d.station_id WHERE d.id = ?
       ON CONFLICT(emergency_id, device_id) DO UPDATE SET started_at = COALESCE(emergency_devices.started_at, excluded.started_at), started_received_at = COALESCE(emergency_devices.started_received_at, excluded.started_received_at)`,
    );
    this.write = sqlite.transaction((batch: Pending[]) => {
      const touched = new Map<string, Set<number>>();
      const started: { emergencyId: string; deviceId: string; startedAt: number; receivedAt: number }[] = [];
      const played = new Set<string>();
      for (const { deviceId, events, receivedAt } of batch) {
        let seqs = touched.get(deviceId);
        if (!seqs) {
          seqs = new Set();
          touched.set(deviceId, seqs);
        }
        for (const e of events) {
          seqs.add(e.seq);
          const fresh = insert.run(deviceId, e.seq, e.ts, e.type, e.itemId ?? null, e.occurrenceId ?? null, e.commandId ?? null, e.emergencyId ?? null, JSON.stringify(e), receivedAt).changes > 0;
          if (!fresh) continue;
          const status = PLAY_STATUS[e.type];
          if (status && e.itemId && e.occurrenceId && /^\d+$/.test(e.occurrenceId)) {
            const f = fields(e, status);
            played.add(deviceId);
            // A skip of an item this cluster was never planned for (it joined after the start) is
            // kept in the event log only; anything it actually played is recorded.
            const updated = result.run(status, status, f.startedAt, f.endedAt, f.skew, f.reason, f.interruptedBy, receivedAt, deviceId, e.itemId).changes > 0;
            if (!updated && status !== 'skipped') {
              const index = Number(e.itemId.slice(e.itemId.lastIndexOf(':') + 1)) || 0;
              resultInsert.run(deviceId, e.itemId, Number(e.occurrenceId), index, e.scheduledAt ?? e.ts, e.durationMs ?? 0, status, f.startedAt, f.endedAt, f.skew, f.reason, f.interruptedBy, receivedAt, deviceId);
            }
          }
          if (e.type === 'play_started' && e.emergencyId) {
            emergencyStarted.run(e.emergencyId, deviceId, e.ts, receivedAt, deviceId);
            started.push({ emergencyId: e.emergencyId, deviceId, startedAt: e.ts, receivedAt });
          }
        }
      }
      const acks = new Map<string, number>();
      for (const [deviceId, seqs] of touched) {
        let cursor = this.cursors.get(deviceId) ?? (readCursor.get(deviceId) as number | undefined) ?? 0;
        const before = cursor;
        while (seqs.has(cursor + 1) || exists.get(deviceId, cursor + 1) !== undefined) cursor++;
        if (cursor !== before) writeCursor.run(deviceId, cursor);
        acks.set(deviceId, cursor);
      }
      return { acks, started, played };
    });
  }

  enqueue(deviceId: string, payload: EventsPayload, receivedAt: number): void {
    this.queue.push({ deviceId, events: payload.events, receivedAt });
    this.queuedEvents += payload.events.length;
    if (this.queuedEvents >= (this.options.maxEvents ?? 2000)) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.options.maxDelayMs ?? 50);
      this.timer.unref();
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.queuedEvents = 0;
    let out: ReturnType<typeof this.write>;
    try {
      out = this.write(batch);
    } catch (err) {
      this.logger.error({ err, batches: batch.length }, 'event batch write failed; writing its uploads one by one');
      out = this.writeEach(batch);
    }
    const now = Date.now();
    this.metrics.ingestBatchSize.observe({ stream: 'events' }, batch.reduce((n, b) => n + b.events.length, 0));
    for (const item of batch) this.metrics.ingestLatency.observe({ stream: 'events' }, (now - item.receivedAt) / 1000);
    for (const [deviceId, seq] of out.acks) {
      this.cursors.set(deviceId, seq);
      this.mqtt
        .publish(topics.eventsAck(deviceId), encode('events/ack', { v: PAYLOAD_VERSION, ts: now, seq }), { qos: 1, retain: false })
        .catch((err) => this.logger.warn({ err: (err as Error).message, deviceId }, 'events ack publish failed; the agent will upload again'));
    }
    if (out.started.length > 0) this.tracker.notifyStarted(out.started);
    if (out.played.size > 0) {
      try {
        this.onPlayback([...out.played]);
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'playback listener failed');
      }
    }
  }

  /** One upload per transaction, so one bad upload cannot hold back the acks of the others. */
  private writeEach(batch: Pending[]): ReturnType<typeof this.write> {
    const acks = new Map<string, number>();
    const started: ReturnType<typeof this.write>['started'] = [];
    const played = new Set<string>();
    for (const upload of batch) {
      try {
        const one = this.write([upload]);
        for (const [d, seq] of one.acks) acks.set(d, seq);
        started.push(...one.started);
        for (const d of one.played) played.add(d);
      } catch (err) {
        // Not acknowledged: the agent keeps these events and uploads them again.
        this.metrics.payloadsDropped.inc({ kind: 'events', reason: 'write_failed' });
        this.logger.error({ err, deviceId: upload.deviceId }, 'event upload write failed');
      }
    }
    return { acks, started, played };
  }

  get pending(): number {
    return this.queuedEvents;
  }
}

function fields(e: DeviceEvent, status: string) {
  const isEnd = status !== 'started';
  return {
    startedAt: status === 'started' ? e.ts : null,
    endedAt: isEnd ? e.ts : null,
    skew: status === 'started' && e.scheduledAt !== undefined ? e.ts - e.scheduledAt : null,
    reason: e.reason ?? (status === 'failed' || status === 'skipped' ? 'unknown' : null),
    interruptedBy: e.interruptedBy ? JSON.stringify(e.interruptedBy) : null,
  };
}
