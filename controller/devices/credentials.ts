// Verifies device and service credentials for the broker (MQTT CONNECT) and for media
// downloads (HTTP Basic). A successful scrypt check is remembered as an HMAC fingerprint under
// a per-process key, so a reconnect storm or a burst of downloads does not redo the slow hash;
// rotating a secret or disabling a device forgets it at once.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { LoaDatabase } from '../db/client.js';
import { devices, serviceCredentials } from '../db/schema/devices.js';
import { stations } from '../db/schema/registry.js';
import type { AdminUnitIndex } from '../registry/admin-units.js';
import { hashSecret, isOutdated, verifySecret } from '../security/secret-hash.js';

export type VerifiedIdentity =
  | { kind: 'device'; deviceId: string; communeCode: string; areaCodes: string[] }
  | { kind: 'service'; name: string };

interface Remembered {
  fingerprint: Buffer;
  identity: VerifiedIdentity;
}

export class DeviceCredentials {
  private readonly key = randomBytes(32);
  private readonly remembered = new Map<string, Remembered>();
  private readonly inFlight = new Map<string, Promise<VerifiedIdentity | null>>();
  // Prepared once: building the query per CONNECT cost more than the lookup (fleet benchmark profile).
  private readonly serviceByName;
  private readonly deviceById;
  private readonly upgradeHash;

  constructor(
    database: LoaDatabase,
    private readonly units: AdminUnitIndex,
  ) {
    this.serviceByName = database.db.select().from(serviceCredentials).where(eq(serviceCredentials.name, sql.placeholder('name'))).prepare();
    this.deviceById = database.db
      .select({ id: devices.id, secretHash: devices.secretHash, disabled: devices.disabled, communeCode: stations.communeCode })
      .from(devices)
      .innerJoin(stations, eq(stations.id, devices.stationId))
      .where(eq(devices.id, sql.placeholder('id')))
      .prepare();
    // Only if unchanged meanwhile: a rotation between the check and this write wins.
    this.upgradeHash = database.sqlite.prepare('UPDATE devices SET secret_hash = ? WHERE id = ? AND secret_hash = ?');
  }

  /** Checks a username/secret pair: a service account name or a device id. */
  async verify(username: string, secret: string): Promise<VerifiedIdentity | null> {
    if (!username || !secret || secret.length > 512) return null;
    const fingerprint = createHmac('sha256', this.key).update(username).update('\0').update(secret).digest();
    const known = this.remembered.get(username);
    if (known && timingSafeEqual(known.fingerprint, fingerprint)) return known.identity;
    const flightKey = `${username}\0${fingerprint.toString('base64')}`;
    let pending = this.inFlight.get(flightKey);
    if (!pending) {
      pending = this.verifySlow(username, secret).then((identity) => {
        if (identity) this.remembered.set(username, { fingerprint, identity });
        return identity;
      });
      pending.finally(() => this.inFlight.delete(flightKey)).catch(() => {});
      this.inFlight.set(flightKey, pending);
    }
    return pending;
  }

  forget(username: string): void {
    this.remembered.delete(username);
  }

  private async verifySlow(username: string, secret: string): Promise<VerifiedIdentity | null> {
    const service = this.serviceByName.get({ name: username });
    if (service) return (await verifySecret(secret, service.secretHash)) ? { kind: 'service', name: service.name } : null;
    const row = this.deviceById.get({ id: username });
    if (!row || row.disabled) return null;
    if (!(await verifySecret(secret, row.secretHash))) return null;
    // A secret stored by an older scheme (scrypt, before device secrets moved to sha256) is
    // rehashed once it has been presented correctly.
    if (isOutdated(row.secretHash, 'generated')) this.upgradeHash.run(await hashSecret(secret, 'generated'), row.id, row.secretHash);
    return { kind: 'device', deviceId: row.id, communeCode: row.communeCode, areaCodes: this.units.areaCodesOf(row.communeCode) };
  }
}
