// What the agent puts on the wire: each outbound kind's topic, QoS and retain flag (architecture
// notes, "Wire contract"), and encoding that checks our own output against the contract.
import { encode, MAX_PAYLOAD_BYTES, type PayloadOf, validate } from '../shared/decode.js';
import { topics } from '../shared/topics.js';

export const OUTBOUND = {
  state: { qos: 1, retain: true },
  telemetry: { qos: 0, retain: false },
  events: { qos: 1, retain: false },
  'cmd/result': { qos: 1, retain: false },
} as const;
export type OutboundKind = keyof typeof OUTBOUND;

const topicOf: Record<OutboundKind, (deviceId: string) => string> = {
  state: topics.state,
  telemetry: topics.telemetry,
  events: topics.events,
  'cmd/result': topics.cmdResult,
};

export function outboundTopic(kind: OutboundKind, deviceId: string): string {
  return topicOf[kind](deviceId);
}

/**
 * Checks the payload against the contract, then encodes it: a payload that breaks the contract
 * is our bug and must fail loudly here, not become a silent counted drop at the controller.
 */
export function encodeChecked<K extends OutboundKind>(kind: K, payload: PayloadOf<K>): Buffer {
  const check = validate(kind, payload);
  if (!check.ok) throw new TypeError(`outbound ${kind} payload breaks the contract: ${check.error.detail}`);
  const body = encode(kind, payload);
  if (body.byteLength > MAX_PAYLOAD_BYTES[kind]) throw new TypeError(`outbound ${kind} payload breaks the contract: ${body.byteLength} bytes > ${MAX_PAYLOAD_BYTES[kind]}`);
  return body;
}

/** CONNACK return codes of MQTT 3.1.1 [MQTT-3.2.2.3]. */
export const CONNACK_REFUSALS: Readonly<Record<number, string>> = {
  1: 'unacceptable protocol version',
  2: 'client identifier rejected',
  3: 'server unavailable',
  4: 'bad username or password',
  5: 'not authorised',
};
