// Per-device tracking of emergency broadcasts: which clusters were targeted, their
// acknowledgement (cmd/result) and their playback start (event play_started, written by the
// event ingest). Acknowledgements from a whole district arrive within a second, so they are
// queued and written in batched transactions with prepared statements; every committed batch is
// announced to listeners (the console's server-sent event stream).
import { EventEmitter } from 'node:events';
import type Database from 'better-sqlite3';
import type { Logger } from '../../platform/logger.js';

export interface DeviceTrack {
  deviceId: string;
  ackStatus?: string;
  ackAt?: number;
  error?: string | null;
  startedAt?: number;
  startedReceivedAt?: number;
}

interface Ack {
  emergencyId: string;
  deviceId: string;
  status: string;
  error: string | null;
  at: number;
}

export class EmergencyTracker extends EventEmitter<{ update: [string, DeviceTrack[]] }> {
  private queue: Ack[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly writeAcks: (batch: Ack[]) => void;
  private readonly insertTarget: Database.Statement;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly logger: Logger,
    private readonly maxDelayMs = 50,
  ) {
    super();
    this.setMaxListeners(0);
    const ack = sqlite.prepare(
      `INSERT INTO emergency_devices (emergency_id, device_id, commune_code, ack_status, ack_at, error)
       VALUES (?, ?, COALESCE((SELECT s.commune_code FROM devices d JOIN stations s ON s.id = d.station_id WHERE d.id = ?), ''), ?, ?, ?)
       ON CONFLICT(emergency_id, device_id) DO UPDATE SET ack_status = excluded.ack_status, ack_at = excluded.ack_at, error = excluded.error`,
    );
    this.writeAcks = sqlite.transaction((batch: Ack[]) => {
      for (const a of batch) ack.run(a.emergencyId, a.deviceId, a.deviceId, a.status, a.at, a.error);
    });
    this.insertTarget = sqlite.prepare('INSERT OR IGNORE INTO emergency_devices (emergency_id, device_id, commune_code) VALUES (?, ?, ?)');
  }

  enqueueAck(emergencyId: string, deviceId: string, status: string, error: string | null, at: number): void {
    this.queue.push({ emergencyId, deviceId, status, error, at });
    if (this.queue.length >= 2000) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.maxDelayMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    try {
      this.writeAcks(batch);
    } catch (err) {
      this.logger.error({ err, rows: batch.length }, 'emergency acknowledgements write failed');
      return;
    }
    const byEmergency = new Map<string, DeviceTrack[]>();
    for (const a of batch) {
      const list = byEmergency.get(a.emergencyId) ?? [];
      list.push({ deviceId: a.deviceId, ackStatus: a.status, ackAt: a.at, error: a.error });
      byEmergency.set(a.emergencyId, list);
    }
    for (const [id, list] of byEmergency) this.emit('update', id, list);
  }

  /** Records the targeted clusters (after the fan-out publish, never before it), yielding between chunks. */
  async insertTargets(emergencyId: string, devices: { id: string; communeCode: string }[]): Promise<void> {
    const CHUNK = 1000;
    for (let i = 0; i < devices.length; i += CHUNK) {
      const slice = devices.slice(i, i + CHUNK);
      this.sqlite.transaction(() => {
        for (const d of slice) this.insertTarget.run(emergencyId, d.id, d.communeCode);
      })();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Playback starts committed by the event ingest. */
  notifyStarted(started: { emergencyId: string; deviceId: string; startedAt: number; receivedAt: number }[]): void {
    const byEmergency = new Map<string, DeviceTrack[]>();
    for (const s of started) {
      const list = byEmergency.get(s.emergencyId) ?? [];
      list.push({ deviceId: s.deviceId, startedAt: s.startedAt, startedReceivedAt: s.receivedAt });
      byEmergency.set(s.emergencyId, list);
    }
    for (const [id, list] of byEmergency) this.emit('update', id, list);
  }

  stop(): void {
    this.flush();
  }
}
