// One entry point for reading payloads off the wire: size check, JSON parse, version check,
// compiled schema check. It never throws on bad input; callers count and drop the error.
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import {
  CommandResultSchema,
  CommandSchema,
  EventsAckSchema,
  EventsSchema,
  ManifestSchema,
  PAYLOAD_VERSION,
  RevocationSchema,
  StateSchema,
  TelemetrySchema,
} from './payloads.js';
import type { DeviceTopicKind } from './topics.js';

const schemas = {
  state: StateSchema,
  telemetry: TelemetrySchema,
  events: EventsSchema,
  'events/ack': EventsAckSchema,
  manifest: ManifestSchema,
  cmd: CommandSchema,
  'cmd/result': CommandResultSchema,
  revocation: RevocationSchema,
} satisfies Record<DeviceTopicKind | 'revocation', TSchema>;

/** A device topic's kind, or `revocation` (controller → Loa's broker, topics.ts REVOCATIONS_TOPIC). */
export type PayloadKind = DeviceTopicKind | 'revocation';
export type PayloadOf<K extends PayloadKind> = Static<(typeof schemas)[K]>;

/**
 * Largest accepted payload per kind, in bytes. Payloads are small JSON; media never travels
 * over MQTT. The broker's packet limit (MAX_MQTT_PACKET_BYTES) is the outer bound.
 */
export const MAX_PAYLOAD_BYTES: Readonly<Record<PayloadKind, number>> = {
  state: 2_048,
  telemetry: 4_096,
  events: 262_144,
  'events/ack': 1_024,
  manifest: 1_048_576,
  cmd: 8_192,
  'cmd/result': 4_096,
  revocation: 1_024,
};
export const MAX_MQTT_PACKET_BYTES = 1_100_000;

// Compiled once at load: validating must not compile a schema per message.
const checkers = Object.fromEntries(
  Object.entries(schemas).map(([kind, schema]) => [kind, TypeCompiler.Compile(schema)]),
) as { [K in PayloadKind]: ReturnType<typeof TypeCompiler.Compile<(typeof schemas)[K]>> };

export type DecodeErrorReason = 'too_large' | 'not_json' | 'unsupported_version' | 'invalid';
export interface DecodeError {
  reason: DecodeErrorReason;
  detail: string;
}
export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: DecodeError };

const fail = (reason: DecodeErrorReason, detail: string): { ok: false; error: DecodeError } => ({
  ok: false,
  error: { reason, detail },
});

export function decode<K extends PayloadKind>(kind: K, payload: Buffer | Uint8Array | string): DecodeResult<PayloadOf<K>> {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
  if (size > MAX_PAYLOAD_BYTES[kind]) return fail('too_large', `${size} bytes > ${MAX_PAYLOAD_BYTES[kind]}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8'));
  } catch (err) {
    return fail('not_json', (err as Error).message);
  }
  return validate(kind, parsed);
}

/**
 * The checks of `decode` after the JSON parse, on a value in memory: an object of the payload
 * version that fits the kind's schema. For our own output before it is encoded — a round trip
 * through JSON.parse would double the cost and tells nothing more: the schemas admit only
 * strings, finite numbers, booleans, null, arrays and plain objects, which JSON keeps as they are.
 */
export function validate<K extends PayloadKind>(kind: K, value: unknown): DecodeResult<PayloadOf<K>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('invalid', 'not an object');
  const version = (value as { v?: unknown }).v;
  if (version !== PAYLOAD_VERSION) return fail('unsupported_version', `v=${JSON.stringify(version)}`);
  const checker = checkers[kind];
  if (!checker.Check(value)) {
    const first = checker.Errors(value).First();
    return fail('invalid', first ? `${first.path || '/'}: ${first.message}` : 'schema mismatch');
  }
  return { ok: true, value: value as PayloadOf<K> };
}

/** The one way payloads are put on the wire, so encoding stays symmetric with `decode`. */
export function encode<K extends PayloadKind>(_kind: K, value: PayloadOf<K>): Buffer {
  return Buffer.from(JSON.stringify(value));
}
