// Rules for clusters: provisioning (a new id and a secret shown once), secret rotation, edits.
import { eq } from 'drizzle-orm';
import type { Config } from '../../platform/config.js';
import type { RevocationPayload } from '../../shared/payloads.js';
import type { LoaDatabase } from '../db/client.js';
import { devices } from '../db/schema/devices.js';
import { stations } from '../db/schema/registry.js';
import { AppError } from '../errors.js';
import type { AdminUnitIndex } from '../registry/admin-units.js';
import { hashSecret, randomSecret } from '../security/secret-hash.js';
import { type BulkProvisioned, type BulkProvisionOptions, provisionBulk } from './bulk-provision.js';
import type { DeviceCredentials } from './credentials.js';
import { newDeviceId } from './device-id.js';
import { type DeviceRow, DevicesRepo } from './devices.repo.js';

/** What `loa device add --json` prints and the agent reads (agent/config.ts). */
export interface AgentConfigFile {
  deviceId: string;
  secret: string;
  brokerUrl: string;
  controllerUrl: string;
  areaCodes: string[];
  dataDir: string;
  heartbeatIntervalS: number;
  player: 'alsa' | 'null' | 'file';
}

export interface ProvisionInput {
  communeCode: string;
  name?: string;
  lat?: number | null;
  lon?: number | null;
}

/** Told when a device's access is withdrawn, so its live connection can be closed (context.ts). */
export type AccessRevokedListener = (deviceId: string, reason: RevocationPayload['reason']) => void;

export class DeviceService {
  readonly repo: DevicesRepo;
  private readonly revokedListeners = new Set<AccessRevokedListener>();

  constructor(
    private readonly database: LoaDatabase,
    private readonly units: AdminUnitIndex,
    private readonly credentials: DeviceCredentials,
    private readonly config: Pick<Config, 'publicMqttUrl' | 'publicUrl' | 'heartbeatIntervalS' | 'clockOffsetAlarmMs'>,
    private readonly clock: () => number = Date.now,
    /** Told about new device ids, so telemetry from them is not taken for a stranger's. */
    private readonly onProvisioned: (deviceId: string) => void = () => {},
  ) {
    this.repo = new DevicesRepo(database, units, config.clockOffsetAlarmMs);
  }

  stationOfCommune(communeCode: string): number {
    const unit = this.units.get(communeCode);
    if (!unit) throw new AppError('unknown_admin_unit', { code: communeCode });
    if (unit.level !== 'commune') throw new AppError('not_a_commune', { code: communeCode });
    const station = this.database.db.select({ id: stations.id }).from(stations).where(eq(stations.communeCode, communeCode)).get();
    if (!station) throw new AppError('no_station', { code: communeCode });
    return station.id;
  }

  async provision(input: ProvisionInput): Promise<{ device: DeviceRow; secret: string; agentConfig: AgentConfigFile }> {
    const stationId = this.stationOfCommune(input.communeCode);
    const taken = new Set(this.repo.namesInStation(stationId));
    const name = input.name?.trim() || nextFreeName(taken);
    if (taken.has(name)) throw new AppError('duplicate_device_name', { name });
    const secret = randomSecret();
    const now = this.clock();
    const id = newDeviceId();
    const secretHash = await hashSecret(secret, 'generated');
    try {
      this.database.db
        .insert(devices)
        .values({ id, stationId, name, lat: input.lat ?? null, lon: input.lon ?? null, secretHash, secretRotatedAt: now, createdAt: now, updatedAt: now })
        .run();
    } catch (err) {
      // Two requests may pick the same name while hashing; the unique index decides.
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new AppError('duplicate_device_name', { name });
      throw err;
    }
    this.onProvisioned(id);
    return { device: this.repo.get(id)!, secret, agentConfig: this.agentConfig(id, input.communeCode, secret) };
  }

  /** Many clusters at once, spread over communes (controller/devices/bulk-provision.ts). */
  provisionMany(options: BulkProvisionOptions): Promise<BulkProvisioned[]> {
    return provisionBulk(
      {
        database: this.database,
        clock: this.clock,
        stationOfCommune: (code) => this.stationOfCommune(code),
        namesInStation: (stationId) => this.repo.namesInStation(stationId),
        agentConfig: (id, code, secret) => this.agentConfig(id, code, secret),
        onProvisioned: (ids) => {
          for (const id of ids) this.onProvisioned(id);
        },
      },
      options,
    );
  }

  onAccessRevoked(listener: AccessRevokedListener): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  private revoked(id: string, reason: RevocationPayload['reason']): void {
    this.credentials.forget(id);
    for (const listener of this.revokedListeners) listener(id, reason);
  }

  async rotateSecret(id: string): Promise<{ secret: string; agentConfig: AgentConfigFile }> {
    const device = this.repo.get(id);
    if (!device) throw new AppError('device_not_found', { id });
    const secret = randomSecret();
    const now = this.clock();
    this.database.db.update(devices).set({ secretHash: await hashSecret(secret, 'generated'), secretRotatedAt: now, updatedAt: now }).where(eq(devices.id, id)).run();
    this.revoked(id, 'secret_rotated');
    return { secret, agentConfig: this.agentConfig(id, device.communeCode, secret) };
  }

  update(id: string, patch: { name?: string; lat?: number | null; lon?: number | null; disabled?: boolean }): DeviceRow {
    const device = this.repo.get(id);
    if (!device) throw new AppError('device_not_found', { id });
    if (patch.name !== undefined && patch.name.trim() !== device.name && this.repo.namesInStation(device.stationId).includes(patch.name.trim())) {
      throw new AppError('duplicate_device_name', { name: patch.name.trim() });
    }
    const set: Partial<typeof devices.$inferInsert> = { updatedAt: this.clock() };
    if (patch.name !== undefined) set.name = patch.name.trim();
    if (patch.lat !== undefined) set.lat = patch.lat;
    if (patch.lon !== undefined) set.lon = patch.lon;
    if (patch.disabled !== undefined) set.disabled = patch.disabled;
    this.database.db.update(devices).set(set).where(eq(devices.id, id)).run();
    if (patch.disabled) this.revoked(id, 'disabled');
    return this.repo.get(id)!;
  }

  agentConfig(deviceId: string, communeCode: string, secret: string): AgentConfigFile {
    return {
      deviceId,
      secret,
      brokerUrl: this.config.publicMqttUrl,
      controllerUrl: this.config.publicUrl,
      areaCodes: this.units.areaCodesOf(communeCode),
      dataDir: '/var/lib/loa-agent',
      heartbeatIntervalS: this.config.heartbeatIntervalS,
      player: 'alsa',
    };
  }
}

function nextFreeName(taken: Set<string>): string {
  for (let n = taken.size + 1; ; n++) {
    const name = `Cụm loa ${String(n).padStart(2, '0')}`;
    if (!taken.has(name)) return name;
  }
}
