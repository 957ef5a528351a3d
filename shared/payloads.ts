// Every MQTT payload of the wire contract as one TypeBox schema: a runtime JSON Schema and a
// static type from one definition. Every payload carries `v` (schema version) and `ts`
// (sender clock, ms since the epoch). Objects are closed (`additionalProperties: false`) so a
// typo on either side is a counted drop, not a silently ignored field.
import { type Static, type TObject, type TProperties, Type } from '@sinclair/typebox';
import { PRIORITY_CLASSES } from './priority.js';
import { DEVICE_ID_PATTERN } from './topics.js';

export const PAYLOAD_VERSION = 1;

const closed = <T extends TProperties>(properties: T): TObject<T> =>
  Type.Object(properties, { additionalProperties: false });

const envelope = {
  v: Type.Literal(PAYLOAD_VERSION),
  ts: Type.Integer({ minimum: 0 }),
};

const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const HttpUrl = Type.String({ pattern: '^https?://', maxLength: 2048 });
const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_:.-]+$' });
const Volume = Type.Integer({ minimum: 0, maximum: 100 });
export const PriorityClassSchema = Type.Union(PRIORITY_CLASSES.map((c) => Type.Literal(c)));

export const MediaSourceSchema = closed({
  type: Type.Literal('media'),
  sha256: Sha256,
  url: Type.String({ minLength: 1, maxLength: 2048 }),
  sizeBytes: Type.Optional(Type.Integer({ minimum: 0 })),
});
export const StreamSourceSchema = closed({ type: Type.Literal('stream'), url: HttpUrl });
export const PlaySourceSchema = Type.Union([MediaSourceSchema, StreamSourceSchema]);
export type PlaySource = Static<typeof PlaySourceSchema>;

// ---- agent → controller -------------------------------------------------------------

/** `devices/{id}/state`, retained; the Last Will carries `online: false`. */
export const StateSchema = closed({
  ...envelope,
  online: Type.Boolean(),
  agentVersion: Type.Optional(Type.String({ maxLength: 64 })),
  manifestVersion: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
  /**
   * When the MQTT session this state belongs to began (sender clock, ms). The Last Will and the
   * online state of one session carry the same value, so a will from a taken-over session that
   * arrives after the next session's online state can be recognised as stale.
   */
  session: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Why the device went offline, when it says so itself (`shutdown`), or `lost` for the Last Will. */
  reason: Type.Optional(Type.Union([Type.Literal('shutdown'), Type.Literal('lost'), Type.Literal('restart')])),
});
export type StatePayload = Static<typeof StateSchema>;

export const PlayingSchema = closed({
  class: PriorityClassSchema,
  source: Type.Union([Type.Literal('media'), Type.Literal('stream')]),
  itemId: Type.Optional(Id),
  commandId: Type.Optional(Id),
  startedAt: Type.Integer({ minimum: 0 }),
});

/** `devices/{id}/telemetry`, QoS 0: the heartbeat. Unknown readings are `null`, never guessed. */
export const TelemetrySchema = closed({
  ...envelope,
  uptimeS: Type.Integer({ minimum: 0 }),
  agentVersion: Type.String({ maxLength: 64 }),
  volume: Volume,
  power: Type.Union([Type.Literal('on'), Type.Literal('off')]),
  playing: Type.Union([PlayingSchema, Type.Null()]),
  diskFreeBytes: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  cacheBytes: Type.Integer({ minimum: 0 }),
  clockOffsetMs: Type.Union([Type.Number(), Type.Null()]),
  signalDbm: Type.Union([Type.Number({ minimum: -200, maximum: 0 }), Type.Null()]),
  manifestVersion: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
});
export type TelemetryPayload = Static<typeof TelemetrySchema>;

export const EVENT_TYPES = [
  'agent_started',
  'play_started',
  'play_finished',
  'play_interrupted',
  'play_failed',
  'play_skipped',
  'media_fetched',
  'media_fetch_failed',
  'manifest_applied',
  'manifest_rejected',
  'fault',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const FAILURE_REASONS = [
  'media_missing',
  'hash_mismatch',
  'player_error',
  'stream_error',
  'expired',
  'device_offline',
  'superseded',
] as const;

/** One entry of the agent's outbox: proof of play or a fault, numbered per device. */
export const DeviceEventSchema = closed({
  seq: Type.Integer({ minimum: 1 }),
  ts: Type.Integer({ minimum: 0 }),
  type: Type.Union(EVENT_TYPES.map((t) => Type.Literal(t))),
  itemId: Type.Optional(Id),
  occurrenceId: Type.Optional(Id),
  commandId: Type.Optional(Id),
  emergencyId: Type.Optional(Id),
  class: Type.Optional(PriorityClassSchema),
  sha256: Type.Optional(Sha256),
  url: Type.Optional(Type.String({ maxLength: 2048 })),
  /** The planned start for scheduled items, so skew can be measured against the device clock. */
  scheduledAt: Type.Optional(Type.Integer({ minimum: 0 })),
  durationMs: Type.Optional(Type.Integer({ minimum: 0 })),
  reason: Type.Optional(Type.String({ maxLength: 64 })),
  interruptedBy: Type.Optional(
    closed({ class: PriorityClassSchema, itemId: Type.Optional(Id), commandId: Type.Optional(Id) }),
  ),
  detail: Type.Optional(Type.String({ maxLength: 1000 })),
});
export type DeviceEvent = Static<typeof DeviceEventSchema>;

export const MAX_EVENTS_PER_BATCH = 500;

/** `devices/{id}/events`, QoS 1: a batch of outbox entries in sequence order. */
export const EventsSchema = closed({
  ...envelope,
  events: Type.Array(DeviceEventSchema, { minItems: 1, maxItems: MAX_EVENTS_PER_BATCH }),
});
export type EventsPayload = Static<typeof EventsSchema>;

/** `devices/{id}/cmd/result`, QoS 1. */
export const CommandResultSchema = closed({
  ...envelope,
  id: Id,
  status: Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Literal('expired'), Type.Literal('rejected')]),
  error: Type.Optional(Type.String({ maxLength: 1000 })),
});
export type CommandResultPayload = Static<typeof CommandResultSchema>;

// ---- controller → agent -------------------------------------------------------------

/** `devices/{id}/events/ack`: the highest sequence the controller has committed. */
export const EventsAckSchema = closed({ ...envelope, seq: Type.Integer({ minimum: 0 }) });
export type EventsAckPayload = Static<typeof EventsAckSchema>;

export const ManifestItemSchema = closed({
  id: Id,
  occurrenceId: Id,
  scheduleId: Type.Optional(Id),
  title: Type.Optional(Type.String({ maxLength: 200 })),
  startAt: Type.Integer({ minimum: 0 }),
  durationMs: Type.Integer({ minimum: 1 }),
  class: PriorityClassSchema,
  volume: Type.Optional(Volume),
  source: PlaySourceSchema,
});
export type ManifestItem = Static<typeof ManifestItemSchema>;

export const DeviceConfigSchema = closed({
  heartbeatIntervalS: Type.Integer({ minimum: 5, maximum: 3600 }),
  defaultVolume: Volume,
  /** Seconds before playback that the amplifier is switched on. */
  powerLeadS: Type.Integer({ minimum: 0, maximum: 600 }),
  cacheMaxBytes: Type.Integer({ minimum: 0 }),
});
export type DeviceConfig = Static<typeof DeviceConfigSchema>;

/** `devices/{id}/manifest`, retained: the desired state, idempotent by `version`. */
export const ManifestSchema = closed({
  ...envelope,
  deviceId: Id,
  version: Type.Integer({ minimum: 1 }),
  horizonEnd: Type.Integer({ minimum: 0 }),
  timezone: Type.String({ maxLength: 64 }),
  items: Type.Array(ManifestItemSchema, { maxItems: 5000 }),
  config: DeviceConfigSchema,
});
export type ManifestPayload = Static<typeof ManifestSchema>;

const commandFields = {
  ...envelope,
  id: Id,
  expiresAt: Type.Integer({ minimum: 0 }),
  /** Set on emergency fan-out so every device's answer is tied to the broadcast. */
  emergencyId: Type.Optional(Id),
};

/** `devices/{id}/cmd` and `areas/{code}/cmd`, never retained. */
export const CommandSchema = Type.Union([
  closed({
    ...commandFields,
    op: Type.Literal('play'),
    params: closed({
      source: PlaySourceSchema,
      class: PriorityClassSchema,
      durationMs: Type.Optional(Type.Integer({ minimum: 1 })),
      volume: Type.Optional(Volume),
      title: Type.Optional(Type.String({ maxLength: 200 })),
    }),
  }),
  closed({ ...commandFields, op: Type.Literal('stop'), params: closed({ class: Type.Optional(PriorityClassSchema) }) }),
  closed({ ...commandFields, op: Type.Literal('volume'), params: closed({ level: Volume }) }),
  closed({
    ...commandFields,
    op: Type.Literal('power'),
    params: closed({ state: Type.Union([Type.Literal('on'), Type.Literal('off')]) }),
  }),
  closed({ ...commandFields, op: Type.Literal('sync'), params: closed({}) }),
  closed({ ...commandFields, op: Type.Literal('restart'), params: closed({}) }),
]);
export type CommandPayload = Static<typeof CommandSchema>;
export type CommandOp = CommandPayload['op'];

// ---- controller → Loa's broker ----------------------------------------------------------

export const REVOCATION_REASONS = ['disabled', 'secret_rotated'] as const;

/**
 * `broker/revocations`, never retained: a device's access was withdrawn, so Loa's broker closes
 * its connection now (a new CONNECT is checked against the database and refused). Consumed by
 * the broker itself and never routed; a third-party broker ignores it.
 */
export const RevocationSchema = closed({
  ...envelope,
  deviceId: Type.String({ pattern: DEVICE_ID_PATTERN.source }),
  reason: Type.Union(REVOCATION_REASONS.map((r) => Type.Literal(r))),
});
export type RevocationPayload = Static<typeof RevocationSchema>;
