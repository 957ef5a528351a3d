import { describe, expect, it } from 'vitest';
import { DEVICE_TOPIC_KINDS, DEVICE_TOPIC_DIRECTION, topics } from '../shared/topics.js';
import { authorize, authorizeRetain } from './acl.js';
import type { BrokerIdentity } from './identity.js';

// Bắc Kạn: province 06, district 058, commune 01843.
const device: BrokerIdentity = { kind: 'device', deviceId: 'dev-a', areaCodes: ['01843', '058', '06'] };
const service: BrokerIdentity = { kind: 'service', name: 'controller' };
const allowed = { allow: true };
const deniedFor = (reason: RegExp) => ({ allow: false, reason: expect.stringMatching(reason) });

const topicFor = (id: string, kind: (typeof DEVICE_TOPIC_KINDS)[number]) => `loa/v1/devices/${id}/${kind}`;
const upKinds = DEVICE_TOPIC_KINDS.filter((k) => DEVICE_TOPIC_DIRECTION[k] === 'up');
const downKinds = DEVICE_TOPIC_KINDS.filter((k) => DEVICE_TOPIC_DIRECTION[k] === 'down');

describe('authorize: no identity', () => {
  it.each(['publish', 'subscribe'] as const)('denies %s to an unauthenticated client, even on contract topics', (action) => {
    expect(authorize(null, action, topics.state('dev-a'))).toEqual(deniedFor(/no identity/));
    expect(authorize(null, action, '#')).toEqual(deniedFor(/no identity/));
  });
});

describe('authorize: service identity', () => {
  it.each([
    ['publish', topics.cmd('dev-a')],
    ['publish', topics.areaCmd('06')],
    ['publish', topics.manifest('dev-b')],
    ['publish', 'anything/outside/the/contract'],
    ['subscribe', '#'],
    ['subscribe', 'loa/v1/devices/+/state'],
    ['subscribe', '$SYS/#'],
  ] as const)('allows the controller to %s %s', (action, topic) => {
    expect(authorize(service, action, topic)).toEqual(allowed);
  });
});

describe('authorize: a device publishing', () => {
  it.each(upKinds)("allows its own '%s' topic", (kind) => {
    expect(authorize(device, 'publish', topicFor('dev-a', kind))).toEqual(allowed);
  });

  it.each(upKinds)("denies another device's '%s' topic", (kind) => {
    expect(authorize(device, 'publish', topicFor('dev-b', kind))).toEqual(deniedFor(/another device/));
  });

  it.each(downKinds)("denies its own controller-to-device '%s' topic (it cannot command itself)", (kind) => {
    expect(authorize(device, 'publish', topicFor('dev-a', kind))).toEqual(deniedFor(/controller-to-device/));
  });

  it('denies publishing an area command, even for its own commune', () => {
    expect(authorize(device, 'publish', topics.areaCmd('01843'))).toEqual(deniedFor(/area commands/));
  });

  it.each([
    'loa/v1/devices/dev-a/unknown',
    'loa/v1/devices/dev-a/state/extra',
    'loa/v1/devices/dev-a/',
    'loa/v1/devices/dev-a',
    'loa/v2/devices/dev-a/state',
    'other/dev-a/state',
    '$SYS/broker/clients',
    '',
  ])('denies %j, outside the contract', (topic) => {
    expect(authorize(device, 'publish', topic)).toEqual(deniedFor(/outside the wire contract/));
  });

  it('denies wildcard characters in a publish topic', () => {
    expect(authorize(device, 'publish', 'loa/v1/devices/+/state')).toEqual(deniedFor(/outside/));
    expect(authorize(device, 'publish', 'loa/v1/devices/dev-a/#')).toEqual(deniedFor(/outside/));
  });
});

describe('authorize: a device subscribing', () => {
  it.each(downKinds)("allows its own '%s' topic", (kind) => {
    expect(authorize(device, 'subscribe', topicFor('dev-a', kind))).toEqual(allowed);
  });

  it.each(downKinds)("refuses another device's '%s' topic", (kind) => {
    expect(authorize(device, 'subscribe', topicFor('dev-b', kind))).toEqual(deniedFor(/another device/));
  });

  it.each(upKinds)("refuses its own device-to-controller '%s' topic", (kind) => {
    expect(authorize(device, 'subscribe', topicFor('dev-a', kind))).toEqual(deniedFor(/device-to-controller/));
  });

  it.each(['01843', '058', '06'])('allows the area command topic of its own area %s', (code) => {
    expect(authorize(device, 'subscribe', topics.areaCmd(code))).toEqual(allowed);
  });

  it.each(['059', '07', '01844', '0184'])('refuses the area command topic of another area %s', (code) => {
    expect(authorize(device, 'subscribe', topics.areaCmd(code))).toEqual(deniedFor(/not the device's/));
  });

  it.each([
    'loa/v1/devices/+/cmd',
    'loa/v1/devices/dev-a/#',
    'loa/v1/devices/dev-a/+',
    'loa/v1/areas/+/cmd',
    'loa/v1/#',
    '#',
    '+/+/+/+/+',
  ])("refuses the wildcard filter %j, even when it would match only its own topics", (topic) => {
    expect(authorize(device, 'subscribe', topic)).toEqual(deniedFor(/wildcards/));
  });

  it.each(['$SYS/broker/clients', 'loa/v1/areas/06/state', 'loa/v1/areas/abc/cmd', 'loa/v1/devices/dev-a/manifest/x'])(
    'refuses %j, outside the contract',
    (topic) => {
      expect(authorize(device, 'subscribe', topic)).toEqual(deniedFor(/outside the wire contract/));
    },
  );

  it('treats device ids as exact, case-sensitive strings', () => {
    expect(authorize(device, 'subscribe', topicFor('DEV-A', 'cmd'))).toEqual(deniedFor(/another device/));
    expect(authorize(device, 'subscribe', topicFor('dev-a2', 'cmd'))).toEqual(deniedFor(/another device/));
  });

  it('a device with no area codes may subscribe to no area', () => {
    const lonely: BrokerIdentity = { kind: 'device', deviceId: 'dev-z', areaCodes: [] };
    expect(authorize(lonely, 'subscribe', topics.areaCmd('06'))).toEqual(deniedFor(/not the device's/));
  });
});

describe('authorizeRetain', () => {
  it('lets a device retain its own state (its Last Will included)', () => {
    expect(authorizeRetain(device, topics.state('dev-a'))).toEqual(allowed);
  });

  it.each(['telemetry', 'events', 'cmd/result'] as const)("refuses a device retaining its own '%s'", (kind) => {
    expect(authorizeRetain(device, topicFor('dev-a', kind))).toEqual(deniedFor(/only their own state/));
  });

  it("refuses a device retaining another device's state", () => {
    expect(authorizeRetain(device, topics.state('dev-b'))).toEqual(deniedFor(/another device/));
  });

  it('refuses a device retaining outside the contract or on an area command', () => {
    expect(authorizeRetain(device, 'x/y')).toEqual(deniedFor(/outside/));
    expect(authorizeRetain(device, topics.areaCmd('06'))).toEqual(deniedFor(/never retained/));
  });

  it('lets the controller retain manifests and states but never commands', () => {
    expect(authorizeRetain(service, topics.manifest('dev-a'))).toEqual(allowed);
    expect(authorizeRetain(service, topics.state('dev-a'))).toEqual(allowed);
    expect(authorizeRetain(service, topics.cmd('dev-a'))).toEqual(deniedFor(/never retained/));
    expect(authorizeRetain(service, topics.areaCmd('06'))).toEqual(deniedFor(/never retained/));
    expect(authorizeRetain(service, topics.cmdResult('dev-a'))).toEqual(allowed);
  });

  it('refuses retaining without an identity', () => {
    expect(authorizeRetain(null, topics.state('dev-a'))).toEqual(deniedFor(/no identity/));
  });
});
