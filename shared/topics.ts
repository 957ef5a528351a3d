// The MQTT topic tree of the wire contract (architecture notes, "Wire contract").
// Topic strings are made only by these builders and read only by `parseTopic`.

export const TOPIC_ROOT = 'loa/v1';

/** Device ids travel inside topics, so they must never contain `/`, `+` or `#`. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** Official GSO codes: province 2 digits, district 3, commune 5. */
export const AREA_CODE_PATTERN = /^[0-9]{2,5}$/;

export const DEVICE_TOPIC_KINDS = ['state', 'telemetry', 'events', 'events/ack', 'manifest', 'cmd', 'cmd/result'] as const;
export type DeviceTopicKind = (typeof DEVICE_TOPIC_KINDS)[number];

/** Who publishes on each device topic: the agent (`up`) or the controller (`down`). */
export const DEVICE_TOPIC_DIRECTION: Readonly<Record<DeviceTopicKind, 'up' | 'down'>> = {
  state: 'up',
  telemetry: 'up',
  events: 'up',
  'events/ack': 'down',
  manifest: 'down',
  cmd: 'down',
  'cmd/result': 'up',
};

export type ParsedTopic =
  | { scope: 'device'; deviceId: string; kind: DeviceTopicKind }
  | { scope: 'area'; areaCode: string; kind: 'cmd' };

export function isDeviceId(value: string): boolean {
  return DEVICE_ID_PATTERN.test(value);
}

export function isAreaCode(value: string): boolean {
  return AREA_CODE_PATTERN.test(value);
}

function deviceTopic(deviceId: string, kind: DeviceTopicKind): string {
  if (!isDeviceId(deviceId)) throw new TypeError(`invalid device id for a topic: ${JSON.stringify(deviceId)}`);
  return `${TOPIC_ROOT}/devices/${deviceId}/${kind}`;
}

export const topics = {
  state: (deviceId: string) => deviceTopic(deviceId, 'state'),
  telemetry: (deviceId: string) => deviceTopic(deviceId, 'telemetry'),
  events: (deviceId: string) => deviceTopic(deviceId, 'events'),
  eventsAck: (deviceId: string) => deviceTopic(deviceId, 'events/ack'),
  manifest: (deviceId: string) => deviceTopic(deviceId, 'manifest'),
  cmd: (deviceId: string) => deviceTopic(deviceId, 'cmd'),
  cmdResult: (deviceId: string) => deviceTopic(deviceId, 'cmd/result'),
  areaCmd(areaCode: string): string {
    if (!isAreaCode(areaCode)) throw new TypeError(`invalid area code for a topic: ${JSON.stringify(areaCode)}`);
    return `${TOPIC_ROOT}/areas/${areaCode}/cmd`;
  },
};

/**
 * The controller tells Loa's broker to close a device's connection (payload: RevocationSchema).
 * Outside the device tree, so no device may publish or subscribe to it (acl.ts).
 */
export const REVOCATIONS_TOPIC = `${TOPIC_ROOT}/broker/revocations`;

/** Subscription filters the controller uses: every device's agent→controller topics. */
export const controllerSubscriptions = (['state', 'telemetry', 'events', 'cmd/result'] as const).map(
  (kind) => `${TOPIC_ROOT}/devices/+/${kind}`,
);

const DEVICES_PREFIX = `${TOPIC_ROOT}/devices/`;
const AREAS_PREFIX = `${TOPIC_ROOT}/areas/`;
const AREA_CMD_SUFFIX = '/cmd';
const DEVICE_KINDS: ReadonlySet<string> = new Set(DEVICE_TOPIC_KINDS);

/**
 * Parses a concrete topic (no wildcards). Returns null for anything outside the contract.
 * On the broker's hot path (ACL and counters for every PUBLISH): index arithmetic, no arrays.
 */
export function parseTopic(topic: string): ParsedTopic | null {
  if (topic.startsWith(DEVICES_PREFIX)) {
    const idEnd = topic.indexOf('/', DEVICES_PREFIX.length);
    if (idEnd < 0) return null;
    const kind = topic.slice(idEnd + 1);
    const deviceId = topic.slice(DEVICES_PREFIX.length, idEnd);
    if (!DEVICE_KINDS.has(kind) || !isDeviceId(deviceId)) return null;
    return { scope: 'device', deviceId, kind: kind as DeviceTopicKind };
  }
  if (topic.startsWith(AREAS_PREFIX) && topic.endsWith(AREA_CMD_SUFFIX)) {
    const areaCode = topic.slice(AREAS_PREFIX.length, topic.length - AREA_CMD_SUFFIX.length);
    if (!isAreaCode(areaCode)) return null;
    return { scope: 'area', areaCode, kind: 'cmd' };
  }
  return null;
}
