// Topic access control: one pure decision `(identity, action, topic) → allow/deny`, called from
// the broker's authorizePublish/authorizeSubscribe hooks and meant to be exposed as-is over HTTP
// for other brokers (architecture notes, "Wire contract"). No I/O, no state, no logging.
import { DEVICE_TOPIC_DIRECTION, parseTopic } from '../shared/topics.js';
import type { BrokerIdentity } from './identity.js';

export type AclAction = 'publish' | 'subscribe';
export type AclDecision = { allow: true } | { allow: false; reason: string };

// Decisions are shared constants: the hot path allocates nothing to say yes or no.
const ALLOW: AclDecision = Object.freeze({ allow: true });
const deny = (reason: string): AclDecision => Object.freeze({ allow: false, reason });
const NO_IDENTITY = deny('no identity (anonymous or not authenticated)');
const WILDCARD = deny('devices may not use wildcards (+ or #) in a subscription');
const OUTSIDE_CONTRACT = deny('topic is outside the wire contract');
const OTHER_DEVICE = deny('topic belongs to another device');
const WRONG_DIRECTION_PUBLISH = deny('devices may not publish on controller-to-device topics');
const WRONG_DIRECTION_SUBSCRIBE = deny('devices may not subscribe to device-to-controller topics');
const AREA_PUBLISH = deny('devices may not publish area commands');
const FOREIGN_AREA = deny("area is not the device's commune, district or province");
const RETAIN_NOT_STATE = deny('devices may retain only their own state');
const RETAIN_COMMAND = deny('commands are never retained');

/**
 * May `identity` publish to / subscribe to `topic`?
 * - no identity: never (anonymous clients are refused at CONNECT anyway);
 * - a service (the controller): everything;
 * - a device: publish only its own agent→controller topics (state, telemetry, events,
 *   cmd/result); subscribe only to its own controller→agent topics (cmd, manifest, events/ack)
 *   and `areas/{code}/cmd` for its own commune, district and province codes. Wildcard filters
 *   are refused outright: `loa/v1/devices/+/cmd` would read every device's commands.
 */
export function authorize(identity: BrokerIdentity | null, action: AclAction, topic: string): AclDecision {
  if (identity === null) return NO_IDENTITY;
  if (identity.kind === 'service') return ALLOW;
  // [MQTT-4.7.1-2]/[MQTT-4.7.1-3]: `#` and `+` are filter wildcards. In a PUBLISH topic they are
  // a protocol error that aedes rejects before us; checking here keeps the decision total.
  if (topic.includes('+') || topic.includes('#')) return action === 'subscribe' ? WILDCARD : OUTSIDE_CONTRACT;
  const parsed = parseTopic(topic);
  if (parsed === null) return OUTSIDE_CONTRACT;

  if (parsed.scope === 'area') {
    if (action === 'publish') return AREA_PUBLISH;
    return identity.areaCodes.includes(parsed.areaCode) ? ALLOW : FOREIGN_AREA;
  }
  if (parsed.deviceId !== identity.deviceId) return OTHER_DEVICE;
  const direction = DEVICE_TOPIC_DIRECTION[parsed.kind];
  if (action === 'publish') return direction === 'up' ? ALLOW : WRONG_DIRECTION_PUBLISH;
  return direction === 'down' ? ALLOW : WRONG_DIRECTION_SUBSCRIBE;
}

/**
 * May `identity` publish `topic` with the RETAIN flag? Checked in addition to `authorize`.
 * Architecture rule: retain only state and desired state, never commands (a retained "power on"
 * replays at every reconnect). A device retains only its own `state` (its Last Will included);
 * the service may retain anything except commands.
 */
export function authorizeRetain(identity: BrokerIdentity | null, topic: string): AclDecision {
  if (identity === null) return NO_IDENTITY;
  const parsed = parseTopic(topic);
  if (identity.kind === 'service') return parsed?.kind === 'cmd' ? RETAIN_COMMAND : ALLOW;
  if (parsed === null) return OUTSIDE_CONTRACT;
  if (parsed.scope === 'area') return RETAIN_COMMAND;
  if (parsed.deviceId !== identity.deviceId) return OTHER_DEVICE;
  return parsed.kind === 'state' ? ALLOW : RETAIN_NOT_STATE;
}
