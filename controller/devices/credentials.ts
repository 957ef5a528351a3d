// Verifies device and service credentials for the broker (MQTT CONNECT) and for media
// downloads (HTTP Basic). A successful check is remembered as an HMAC fingerprint under a
// per-process key, so a reconnect storm or a burst of downloads does not redo the slow hash.
// A remembered check holds only while the stored secret hash is the one it was made against
// and the device is enabled: one indexed read per check, so a secret rotated or a device
// disabled by another process (`loa device rotate-secret` on the server) stops working at once
// here too, and the identity's areas follow the device's commune.
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
  /** The stored hash the secret was checked against. */
  secretHash: string;
  identity: VerifiedIdentity;
}

interface Checked {
  secretHash: string;
  identity: VerifiedIdentity;
}

export class DeviceCredentials {
  private readonly key = randomBytes(32);
  private readonly remembered = new Map<string, Remembered>();
  private readonly inFlight = new Map<string, Promise<Checked | null>>();
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
    if (known && timingSafeEqual(known.fingerprint, fingerprint)) {
      const still = this.stillValid(username, known);
      if (still) return still;
      this.remembered.delete(username);
    }
    const flightKey = `${username}\0${fingerprint.toString('base64')}`;
    let pending = this.inFlight.get(flightKey);
    if (!pending) {
      pending = this.verifySlow(username, secret).then((checked) => {
        if (checked) this.remembered.set(username, { fingerprint, ...checked });
        return checked;
      });
      pending.finally(() => this.inFlight.delete(flightKey)).catch(() => {});
      this.inFlight.set(flightKey, pending);
    }
    return (await pending)?.identity ?? null;
  }

  /** The remembered identity if the stored credential is unchanged (refreshed when the device moved commune), else null. */
  private stillValid(username: string, known: Remembered): VerifiedIdentity | null {
    if (known.identity.kind === 'service') {
      return this.serviceByName.get({ name: username })?.secretHash === known.secretHash ? known.identity : null;
    }
    const row = this.deviceById.get({ id: username });
    if (!row || row.disabled || row.secretHash !== known.secretHash) return null;
    if (row.communeCode === known.identity.communeCode) return known.identity;
    known.identity = this.deviceIdentity(row.id, row.communeCode);
    return known.identity;
  }

  forget(username: string): void {
    this.remembered.delete(username);
  }

  private async verifySlow(username: string, secret: string): Promise<Checked | null> {
    const service = this.serviceByName.get({ name: username });
    if (service) return (await verifySecret(secret, service.secretHash)) ? { secretHash: service.secretHash, identity: { kind: 'service', name: service.name } } : null;
    const row = this.deviceById.get({ id: username });
    if (!row || row.disabled) return null;
    if (!(await verifySecret(secret, row.secretHash))) return null;
    let secretHash = row.secretHash;
    // A secret stored by an older scheme (scrypt, before device secrets moved to sha256) is
    // rehashed once it has been presented correctly.
    if (isOutdated(row.secretHash, 'generated')) {
      const upgraded = await hashSecret(secret, 'generated');
      if (this.upgradeHash.run(upgraded, row.id, row.secretHash).changes === 1) secretHash = upgraded;
    }
    return { secretHash, identity: this.deviceIdentity(row.id, row.communeCode) };
  }

  private deviceIdentity(deviceId: string, communeCode: string): VerifiedIdentity {
    return { kind: 'device', deviceId, communeCode, areaCodes: this.units.areaCodesOf(communeCode) };
  }
}
