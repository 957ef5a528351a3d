// The controller's own MQTT identity. Its secret is generated on first start (never a default
// password) into LOA_DATA_DIR/secrets/mqtt-service.json (mode 0600), or taken from
// LOA_SERVICE_SECRET; the database holds only its scrypt hash, like any device's.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { LoaDatabase } from '../db/client.js';
import { serviceCredentials } from '../db/schema/devices.js';
import { hashSecret, randomSecret, verifySecret } from './secret-hash.js';

export const SERVICE_USERNAME = 'loa-controller';

export interface ServiceAccount {
  username: string;
  secret: string;
}

/** Reads the service secret from the environment or the secrets folder, creating it if missing. */
export function loadOrCreateServiceSecret(secretsDir: string, configured: string | undefined): ServiceAccount {
  if (configured) return { username: SERVICE_USERNAME, secret: configured };
  const file = path.join(secretsDir, 'mqtt-service.json');
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ServiceAccount>;
    if (typeof parsed.secret === 'string' && parsed.secret.length >= 32) return { username: SERVICE_USERNAME, secret: parsed.secret };
    throw new Error(`${file} is damaged: remove it to generate a new service secret`);
  }
  mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
  const account = { username: SERVICE_USERNAME, secret: randomSecret() };
  // Write-then-rename: a power cut leaves either no file or a whole one.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(account)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
  return account;
}

/** Makes the database's hash match the secret in use. */
export async function registerServiceAccount(database: LoaDatabase, account: ServiceAccount, now = Date.now()): Promise<void> {
  const row = database.db.select().from(serviceCredentials).where(eq(serviceCredentials.name, account.username)).get();
  if (row && (await verifySecret(account.secret, row.secretHash))) return;
  const secretHash = await hashSecret(account.secret, 'machine');
  database.db
    .insert(serviceCredentials)
    .values({ name: account.username, secretHash, createdAt: now })
    .onConflictDoUpdate({ target: serviceCredentials.name, set: { secretHash } })
    .run();
}
