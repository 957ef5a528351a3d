// Hashes for every stored secret a person or machine presents. The stored form names its scheme
// and parameters (`scrypt$N$r$p$salt$hash`, `sha256$hash`) so old hashes keep working when the
// scheme for new ones changes.
//  - 'password': chosen by people → scrypt 2^15 (≈32 MiB, ~100 ms).
//  - 'machine': the controller's MQTT service secret, which an operator may set → scrypt 2^12.
//  - 'generated': device secrets, always 256 random bits made by Loa → sha256, as session cookies
//    and API tokens (fast-hash.ts): brute force is hopeless at any cost, and a slow hash only
//    slowed every cluster's CONNECT — scrypt 2^12 made 20,000 clusters reconnecting after a
//    broker restart take minutes of CPU, time in which an emergency could not reach them.
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { sameHash, sha256Hex } from './fast-hash.js';

export type HashCost = 'password' | 'machine' | 'generated';

const COST: Record<Exclude<HashCost, 'generated'>, { N: number; r: number; p: number }> = {
  password: { N: 2 ** 15, r: 8, p: 1 },
  machine: { N: 2 ** 12, r: 8, p: 1 },
};
const KEY_LENGTH = 32;

function scryptAsync(secret: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashSecret(secret: string, cost: HashCost): Promise<string> {
  if (cost === 'generated') return `sha256$${sha256Hex(secret)}`;
  const params = COST[cost];
  const salt = randomBytes(16);
  const key = await scryptAsync(secret, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  if (stored.startsWith('sha256$')) return sameHash(sha256Hex(secret), stored.slice('sha256$'.length));
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (![N, r, p].every(Number.isInteger) || expected.length !== KEY_LENGTH) return false;
  const actual = await scryptAsync(secret, salt, { N, r, p });
  return timingSafeEqual(actual, expected);
}

/** A random secret for machines (device secrets, tokens, session ids): 256 bits, URL-safe. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** True for a hash made by an older scheme than `cost` uses now (rehash on the next success). */
export function isOutdated(stored: string, cost: HashCost): boolean {
  return cost === 'generated' ? !stored.startsWith('sha256$') : false;
}
