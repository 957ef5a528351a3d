// Reads of emergency broadcasts: the list, one broadcast with its counts, its per-cluster rows.
import type Database from 'better-sqlite3';

export interface EmergencyView {
  id: string;
  title: string;
  areaCodes: string[];
  bulletinId: number | null;
  status: string;
  createdBy: string | null;
  createdAt: number;
  expiresAt: number;
  stoppedAt: number | null;
  counts: { targeted: number; acknowledged: number; refused: number; pending: number; playing: number };
}

interface Row {
  id: string;
  title: string;
  area_codes: string;
  bulletin_id: number | null;
  status: string;
  created_by_name: string | null;
  created_at: number;
  expires_at: number;
  stopped_at: number | null;
}

export interface EmergencyDeviceRow {
  deviceId: string;
  deviceName: string | null;
  communeCode: string;
  ackStatus: string;
  ackAt: number | null;
  error: string | null;
  startedAt: number | null;
  startedReceivedAt: number | null;
  resentCount: number;
}

export class EmergencyRepo {
  constructor(private readonly sqlite: Database.Database) {}

  areasOf(id: string): string[] | undefined {
    const raw = this.sqlite.prepare('SELECT area_codes FROM emergencies WHERE id = ?').pluck().get(id) as string | undefined;
    return raw ? (JSON.parse(raw) as string[]) : undefined;
  }

  get(id: string): EmergencyView | undefined {
    const row = this.sqlite.prepare('SELECT * FROM emergencies WHERE id = ?').get(id) as Row | undefined;
    return row ? this.view(row) : undefined;
  }

  /** Newest first; `visible` filters by area (the caller's scope). */
  list(visible: (areaCodes: string[]) => boolean, limit: number): EmergencyView[] {
    const rows = this.sqlite.prepare('SELECT * FROM emergencies ORDER BY created_at DESC LIMIT 1000').all() as Row[];
    return rows
      .filter((r) => visible(JSON.parse(r.area_codes) as string[]))
      .slice(0, limit)
      .map((r) => this.view(r));
  }

  devices(id: string, scopeCode: string, limit: number, offset: number) {
    const where = `e.emergency_id = ? AND (u.code = ? OR u.district_code = ? OR u.province_code = ?)`;
    const from = 'FROM emergency_devices e JOIN admin_units u ON u.code = e.commune_code LEFT JOIN devices d ON d.id = e.device_id';
    const items = this.sqlite
      .prepare(
        `SELECT e.device_id AS deviceId, d.name AS deviceName, e.commune_code AS communeCode, e.ack_status AS ackStatus, e.ack_at AS ackAt, e.error,
           e.started_at AS startedAt, e.started_received_at AS startedReceivedAt, e.resent_count AS resentCount, d.online
         ${from} WHERE ${where} ORDER BY e.commune_code, d.name LIMIT ? OFFSET ?`,
      )
      .all(id, scopeCode, scopeCode, scopeCode, limit, offset) as (EmergencyDeviceRow & { online: number | null })[];
    const total = (this.sqlite.prepare(`SELECT COUNT(*) AS n ${from} WHERE ${where}`).get(id, scopeCode, scopeCode, scopeCode) as { n: number }).n;
    return { items: items.map((i) => ({ ...i, online: i.online === 1 })), total };
  }

  private view(r: Row): EmergencyView {
    const c = this.sqlite
      .prepare(
        `SELECT COUNT(*) AS targeted, SUM(ack_status = 'ok') AS acknowledged, SUM(ack_status IN ('error', 'rejected', 'expired')) AS refused,
           SUM(ack_status = 'pending') AS pending, SUM(started_at IS NOT NULL) AS playing FROM emergency_devices WHERE emergency_id = ?`,
      )
      .get(r.id) as Record<string, number | null>;
    return {
      id: r.id,
      title: r.title,
      areaCodes: JSON.parse(r.area_codes) as string[],
      bulletinId: r.bulletin_id,
      // Expiry is recorded by a job every 30 s; readers see it at once.
      status: r.status === 'active' && r.expires_at <= Date.now() ? 'expired' : r.status,
      createdBy: r.created_by_name,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      stoppedAt: r.stopped_at,
      counts: { targeted: c.targeted ?? 0, acknowledged: c.acknowledged ?? 0, refused: c.refused ?? 0, pending: c.pending ?? 0, playing: c.playing ?? 0 },
    };
  }
}
