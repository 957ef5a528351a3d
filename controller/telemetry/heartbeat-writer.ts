// Heartbeat ingest, the hottest path of the controller (≥10,000/s for a country-size fleet):
// heartbeats are queued and written in one transaction per batch with prepared statements
// (one transaction per message is ~10× slower), flushed by size or after a short delay.
import type Database from 'better-sqlite3';
import type { TelemetryPayload } from '../../shared/index.js';
import type { Logger } from '../../platform/logger.js';
import type { Metrics } from '../metrics.js';

interface Pending {
  deviceId: string;
  payload: TelemetryPayload;
  receivedAt: number;
}

export interface HeartbeatWriterOptions {
  maxBatch?: number;
  maxDelayMs?: number;
}

export class HeartbeatWriter {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly insert: Database.Statement;
  private readonly touch: Database.Statement;
  private readonly writeBatch: (batch: Pending[]) => void;
  private readonly maxBatch: number;
  private readonly maxDelayMs: number;
  /**
   * Called after each commit with, per device written, when its newest heartbeat was received,
   * so presence can mark it seen — as of that moment, not of the commit (see PresenceService.onSeen).
   */
  onCommitted: (seen: Map<string, number>) => void = () => {};

  constructor(
    sqlite: Database.Database,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    options: HeartbeatWriterOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 2_000;
    this.maxDelayMs = options.maxDelayMs ?? 100;
    this.insert = sqlite.prepare(
      `INSERT INTO heartbeats (device_id, received_at, device_ts, uptime_s, volume, power, playing_class, disk_free_bytes, cache_bytes, clock_offset_ms, signal_dbm, manifest_version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.touch = sqlite.prepare(
      `UPDATE devices SET last_seen_at = ?, last_heartbeat = ?, agent_version = ?, clock_offset_ms = ?, manifest_version_held = ? WHERE id = ?`,
    );
    this.writeBatch = sqlite.transaction((batch: Pending[]) => {
      // Only the newest heartbeat of a device in a batch updates its row.
      const latest = new Map<string, Pending>();
      for (const item of batch) {
        const p = item.payload;
        this.insert.run(item.deviceId, item.receivedAt, p.ts, p.uptimeS, p.volume, p.power, p.playing?.class ?? null, p.diskFreeBytes, p.cacheBytes, p.clockOffsetMs, p.signalDbm, p.manifestVersion);
        latest.set(item.deviceId, item);
      }
      for (const item of latest.values()) {
        const p = item.payload;
        this.touch.run(item.receivedAt, JSON.stringify(p), p.agentVersion, p.clockOffsetMs, p.manifestVersion, item.deviceId);
      }
    });
  }

  enqueue(deviceId: string, payload: TelemetryPayload, receivedAt: number): void {
    this.queue.push({ deviceId, payload, receivedAt });
    if (this.queue.length >= this.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.maxDelayMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    try {
      this.writeBatch(batch);
    } catch (err) {
      this.metrics.payloadsDropped.inc({ kind: 'telemetry', reason: 'write_failed' }, batch.length);
      this.logger.error({ err, rows: batch.length }, 'heartbeat batch write failed');
      return;
    }
    const now = Date.now();
    this.metrics.ingestBatchSize.observe({ stream: 'telemetry' }, batch.length);
    for (const item of batch) this.metrics.ingestLatency.observe({ stream: 'telemetry' }, (now - item.receivedAt) / 1000);
    const seen = new Map<string, number>();
    for (const item of batch) seen.set(item.deviceId, Math.max(seen.get(item.deviceId) ?? 0, item.receivedAt));
    this.onCommitted(seen);
  }

  get pending(): number {
    return this.queue.length;
  }
}
