// Device ids are short, readable over the phone, and safe inside MQTT topics:
// `dev-` + 10 characters of Crockford base32 (no I, L, O, U).
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export function newDeviceId(): string {
  const bytes = randomBytes(10);
  let id = 'dev-';
  for (const b of bytes) id += ALPHABET[b % 32];
  return id;
}
