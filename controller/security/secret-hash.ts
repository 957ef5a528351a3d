// Salted slow hashes (scrypt) for every stored secret a person or device presents: passwords,
// device secrets, the controller's MQTT service secret. The stored form names its parameters
// (`scrypt$N$r$p$salt$hash`) so the cost can be raised later without breaking old hashes.
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

export type HashCost = 'password' | 'machine';

// Passwords are chosen by people: 2^15 (≈32 MiB, ~100 ms). Device and service secrets are
// 256-bit random strings, so brute force is hopeless at any cost; 2^12 keeps a province-wide
// reconnect storm (20,000 clusters after a broker restart) within about a minute of CPU.
const COST: Record<HashCost, { N: number; r: number; p: number }> = {
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
  const params = COST[cost];
  const salt = randomBytes(16);
  const key = await scryptAsync(secret, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
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
