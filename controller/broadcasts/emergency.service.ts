// Emergency broadcast (Circular 39: emergency bulletins play immediately, interrupting
// anything). One API call; one publish per area code on `areas/{code}/cmd` (the broker fans it
// out to every cluster of a whole district), with `emergencyId` set. Nothing per device happens
// before the publish: the targeted clusters are recorded afterwards, in batches. Clusters
// offline at send time (or that have not acknowledged) get the same command individually on
// `devices/{id}/cmd` when they come online while the emergency is active (LOA_EMERGENCY_TTL_S).
import type Database from 'better-sqlite3';
import { type CommandPayload, encode, PAYLOAD_VERSION, type PlaySource, topics } from '../../shared/index.js';
import type { Logger } from '../../platform/logger.js';
import { AppError } from '../errors.js';
import type { ControllerMqtt } from '../mqtt/link.js';
import type { AdminUnitIndex } from '../registry/admin-units.js';
import { newId } from './commands.service.js';
import type { EmergencyTracker } from './emergency-tracker.js';

/** Ids of the stop commands of emergencies: `emstop-…`. */
const STOP_ID_PREFIX = 'emstop';

export interface EmergencyRequest {
  title: string;
  areaCodes: string[];
  source: PlaySource;
  durationMs?: number;
  volume?: number;
  bulletinId?: number;
  ttlS?: number;
}

interface Active {
  id: string;
  areaCodes: Set<string>;
  payload: CommandPayload;
  body: Buffer;
  expiresAt: number;
}

export class EmergencyService {
  private readonly active = new Map<string, Active>();
  private readonly resent: Database.Statement;
  private readonly ackOf: Database.Statement;
  private readonly known = new Map<string, boolean>();

  constructor(
    private readonly sqlite: Database.Database,
    private readonly mqtt: Pick<ControllerMqtt, 'publish'>,
    private readonly units: AdminUnitIndex,
    readonly tracker: EmergencyTracker,
    private readonly options: { emergencyTtlS: number },
    private readonly logger: Logger,
    private readonly clock: () => number,
  ) {
    this.resent = sqlite.prepare(
      `INSERT INTO emergency_devices (emergency_id, device_id, commune_code, resent_count) VALUES (?, ?, ?, 1)
       ON CONFLICT(emergency_id, device_id) DO UPDATE SET resent_count = resent_count + 1`,
    );
    this.ackOf = sqlite.prepare('SELECT ack_status FROM emergency_devices WHERE emergency_id = ? AND device_id = ?');
  }

  /** Loads the emergencies still active (after a controller restart). */
  start(): void {
    const now = this.clock();
    const rows = this.sqlite.prepare(`SELECT id, area_codes, payload, expires_at FROM emergencies WHERE status = 'active' AND expires_at > ?`).all(now) as {
      id: string;
      area_codes: string;
      payload: string;
      expires_at: number;
    }[];
    for (const r of rows) {
      const payload = JSON.parse(r.payload) as CommandPayload;
      this.active.set(r.id, { id: r.id, areaCodes: new Set(JSON.parse(r.area_codes) as string[]), payload, body: encode('cmd', payload), expiresAt: r.expires_at });
    }
  }

  /** Drops area codes already covered by another targeted area (one publish reaches them). */
  coverAreas(codes: string[]): string[] {
    const unique = [...new Set(codes)];
    return unique.filter((c) => !unique.some((other) => other !== c && this.units.isWithin(other, c)));
  }

  send(req: EmergencyRequest, actor: { userId: number | null; name: string | null }): { id: string; areaCodes: string[]; expiresAt: number; createdAt: number } {
    const now = this.clock();
    const id = newId('em');
    const areaCodes = this.coverAreas(req.areaCodes);
    const expiresAt = now + (req.ttlS ?? this.options.emergencyTtlS) * 1000;
    const payload: CommandPayload = {
      v: PAYLOAD_VERSION,
      ts: now,
      id,
      expiresAt,
      emergencyId: id,
      op: 'play',
      params: {
        source: req.source,
        class: 'emergency',
        title: req.title.slice(0, 200),
        ...(req.durationMs ? { durationMs: req.durationMs } : {}),
        ...(req.volume !== undefined ? { volume: req.volume } : {}),
      },
    };
    const body = encode('cmd', payload);
    this.sqlite
      .prepare(`INSERT INTO emergencies (id, title, area_codes, payload, bulletin_id, status, created_by, created_by_name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)`)
      .run(id, req.title, JSON.stringify(areaCodes), body.toString(), req.bulletinId ?? null, actor.userId, actor.name, now, expiresAt);
    this.active.set(id, { id, areaCodes: new Set(areaCodes), payload, body, expiresAt });
    this.known.set(id, true);
    for (const code of areaCodes) {
      this.mqtt.publish(topics.areaCmd(code), body, { qos: 1, retain: false }).catch((err) => this.logger.error({ err, emergencyId: id, area: code }, 'emergency publish failed'));
    }
    // After the publish: who was targeted, for tracking (off the request's critical path).
    setImmediate(() => {
      this.tracker.insertTargets(id, this.devicesIn(areaCodes)).catch((err) => this.logger.error({ err, emergencyId: id }, 'emergency target rows failed'));
    });
    return { id, areaCodes, expiresAt, createdAt: now };
  }

  stop(id: string): { id: string; stoppedAt: number } {
    const row = this.sqlite.prepare('SELECT status, area_codes FROM emergencies WHERE id = ?').get(id) as { status: string; area_codes: string } | undefined;
    if (!row) throw new AppError('emergency_not_found', { id });
    if (row.status !== 'active') throw new AppError('emergency_not_active', { id });
    const now = this.clock();
    this.sqlite.prepare(`UPDATE emergencies SET status = 'stopped', stopped_at = ? WHERE id = ?`).run(now, id);
    this.active.delete(id);
    const stop: CommandPayload = { v: PAYLOAD_VERSION, ts: now, id: newId(STOP_ID_PREFIX), expiresAt: now + 60_000, emergencyId: id, op: 'stop', params: { class: 'emergency' } };
    const body = encode('cmd', stop);
    for (const code of JSON.parse(row.area_codes) as string[]) {
      this.mqtt.publish(topics.areaCmd(code), body, { qos: 1, retain: false }).catch((err) => this.logger.error({ err, emergencyId: id }, 'emergency stop publish failed'));
    }
    return { id, stoppedAt: now };
  }

  /** A cluster came online: re-send active emergencies for its areas it has not acknowledged. */
  onDeviceOnline(deviceId: string, communeCode: string): void {
    if (this.active.size === 0) return;
    const now = this.clock();
    const areas = this.units.areaCodesOf(communeCode);
    for (const em of this.active.values()) {
      if (em.expiresAt <= now) continue;
      if (!areas.some((a) => em.areaCodes.has(a))) continue;
      const ack = this.ackOf.get(em.id, deviceId) as { ack_status: string } | undefined;
      if (ack && ack.ack_status !== 'pending') continue;
      this.resent.run(em.id, deviceId, communeCode);
      this.mqtt.publish(topics.cmd(deviceId), em.body, { qos: 1, retain: false }).catch((err) => this.logger.warn({ err: (err as Error).message, deviceId }, 'emergency re-send failed'));
    }
  }

  /** An answer to an emergency command or to its stop; false when the id is neither. */
  onResult(deviceId: string, id: string, status: string, error: string | null, receivedAt: number): boolean {
    if (id.startsWith(`${STOP_ID_PREFIX}-`)) {
      // Every cluster of the area answers a stop; only one that could not stop needs a person.
      if (status === 'ok') this.logger.debug({ deviceId, id }, 'emergency stop acknowledged');
      else this.logger.warn({ deviceId, id, status, error }, 'a cluster did not stop the emergency');
      return true;
    }
    if (!this.isEmergency(id)) return false;
    this.tracker.enqueueAck(id, deviceId, status, error, receivedAt);
    return true;
  }

  isEmergency(id: string): boolean {
    let known = this.known.get(id);
    if (known === undefined) {
      known = this.sqlite.prepare('SELECT 1 FROM emergencies WHERE id = ?').get(id) !== undefined;
      if (this.known.size > 10_000) this.known.clear();
      this.known.set(id, known);
    }
    return known;
  }

  expire(now = this.clock()): number {
    for (const [id, em] of this.active) if (em.expiresAt <= now) this.active.delete(id);
    return this.sqlite.prepare(`UPDATE emergencies SET status = 'expired' WHERE status = 'active' AND expires_at <= ?`).run(now).changes;
  }

  /** Active emergencies that refer to this file (media retention and download rights). */
  references(sha256: string): boolean {
    for (const em of this.active.values()) if (em.payload.op === 'play' && em.payload.params.source.type === 'media' && em.payload.params.source.sha256 === sha256) return true;
    return false;
  }

  coversDevice(sha256: string, communeCode: string): boolean {
    const areas = this.units.areaCodesOf(communeCode);
    for (const em of this.active.values()) {
      if (em.payload.op !== 'play' || em.payload.params.source.type !== 'media' || em.payload.params.source.sha256 !== sha256) continue;
      if (areas.some((a) => em.areaCodes.has(a))) return true;
    }
    return false;
  }

  devicesIn(areaCodes: string[]): { id: string; communeCode: string }[] {
    if (areaCodes.length === 0) return [];
    const marks = areaCodes.map(() => '?').join(',');
    return this.sqlite
      .prepare(
        `SELECT d.id, s.commune_code AS communeCode FROM devices d JOIN stations s ON s.id = d.station_id JOIN admin_units u ON u.code = s.commune_code
         WHERE d.disabled = 0 AND (u.code IN (${marks}) OR u.district_code IN (${marks}) OR u.province_code IN (${marks}))`,
      )
      .all(...areaCodes, ...areaCodes, ...areaCodes) as { id: string; communeCode: string }[];
  }
}
