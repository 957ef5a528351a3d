import { describe, expect, it } from 'vitest';
import { parseTopic, topics } from './topics.js';

describe('topics', () => {
  it('builds and parses every device topic symmetrically', () => {
    const built = [
      [topics.state('dev-1'), 'state'],
      [topics.telemetry('dev-1'), 'telemetry'],
      [topics.events('dev-1'), 'events'],
      [topics.eventsAck('dev-1'), 'events/ack'],
      [topics.manifest('dev-1'), 'manifest'],
      [topics.cmd('dev-1'), 'cmd'],
      [topics.cmdResult('dev-1'), 'cmd/result'],
    ] as const;
    for (const [topic, kind] of built) {
      expect(parseTopic(topic)).toEqual({ scope: 'device', deviceId: 'dev-1', kind });
    }
    expect(topics.eventsAck('d')).toBe('loa/v1/devices/d/events/ack');
  });

  it('parses area command topics', () => {
    expect(parseTopic(topics.areaCmd('06'))).toEqual({ scope: 'area', areaCode: '06', kind: 'cmd' });
    expect(parseTopic('loa/v1/areas/01834/cmd')).toEqual({ scope: 'area', areaCode: '01834', kind: 'cmd' });
  });

  it('rejects topics outside the contract', () => {
    for (const t of [
      'loa/v2/devices/d/state',
      'loa/v1/devices/d/unknown',
      'loa/v1/devices/d/state/extra',
      'loa/v1/devices/+/state',
      'loa/v1/devices/#',
      'loa/v1/areas/abc/cmd',
      'loa/v1/areas/06/state',
      'loa/v1/areas/cmd',
      'loa/v1/areas/06/07/cmd',
      'loa/v1/devices/d',
      'loa/v1/devices//state',
      'loa/v1/devices/d/cmd/result/x',
      'loa/v1/devices/a/b/state',
      'loa/v1',
      '',
    ]) {
      expect(parseTopic(t), t).toBeNull();
    }
  });

  it('refuses to build a topic from an id that would change the topic tree', () => {
    expect(() => topics.cmd('a/b')).toThrow(TypeError);
    expect(() => topics.cmd('+')).toThrow(TypeError);
    expect(() => topics.areaCmd('06/#')).toThrow(TypeError);
  });
});
