import { describe, expect, it } from 'vitest';
import { SessionSubscriptions } from './session-subscriptions.js';

describe('SessionSubscriptions', () => {
  it('restores a client its subscriptions and queues for the QoS > 0 ones only', () => {
    const store = new SessionSubscriptions();
    store.add('d1', [
      { topic: 'loa/v1/devices/d1/cmd', qos: 1 },
      { topic: 'loa/v1/areas/06/cmd', qos: 1 },
      { topic: 'news', qos: 0 },
    ]);
    store.add('d2', [{ topic: 'loa/v1/areas/06/cmd', qos: 1 }]);
    expect(store.of('d1')).toEqual([
      { topic: 'loa/v1/devices/d1/cmd', qos: 1 },
      { topic: 'loa/v1/areas/06/cmd', qos: 1 },
      { topic: 'news', qos: 0 },
    ]);
    expect(store.queueingFor('loa/v1/areas/06/cmd').map((s) => s.clientId)).toEqual(['d1', 'd2']);
    expect(store.queueingFor('news')).toEqual([]);
    expect(store.counts()).toEqual({ subsCount: 3, clientsCount: 2 });
    expect(store.clientsWithFilter('loa/v1/areas/06/cmd')).toEqual(['d1', 'd2']);
  });

  it('replaces a subscription to the same filter (a new QoS), once', () => {
    const store = new SessionSubscriptions();
    store.add('d1', [{ topic: 't', qos: 1 }]);
    store.add('d1', [{ topic: 't', qos: 1 }]); // Aedes stores each SUBSCRIBE once per filter in it
    expect(store.queueingFor('t')).toHaveLength(1);
    store.add('d1', [{ topic: 't', qos: 0 }]);
    expect(store.queueingFor('t')).toEqual([]);
    expect(store.of('d1')).toEqual([{ topic: 't', qos: 0 }]);
    store.add('d1', [{ topic: 't', qos: 2 }]);
    expect(store.queueingFor('t')).toEqual([{ clientId: 'd1', topic: 't', qos: 2 }]);
    expect(store.counts()).toEqual({ subsCount: 1, clientsCount: 1 });
  });

  it('forgets unsubscribed filters and whole sessions', () => {
    const store = new SessionSubscriptions();
    store.add('ctl', [
      { topic: 'loa/v1/devices/+/state', qos: 1 },
      { topic: 'loa/v1/devices/+/events', qos: 1 },
    ]);
    store.add('d1', [{ topic: 'loa/v1/devices/d1/cmd', qos: 1 }]);
    store.remove('ctl', ['loa/v1/devices/+/state', 'never-subscribed']);
    expect(store.queueingFor('loa/v1/devices/d1/state')).toEqual([]);
    expect(store.queueingFor('loa/v1/devices/d1/events').map((s) => s.clientId)).toEqual(['ctl']);
    store.remove('ctl', ['loa/v1/devices/+/events']);
    expect(store.counts()).toEqual({ subsCount: 1, clientsCount: 1 });
    store.clear('d1');
    store.clear('nobody');
    expect(store.of('d1')).toEqual([]);
    expect(store.counts()).toEqual({ subsCount: 0, clientsCount: 0 });
  });

  it('keeps no client for a SUBSCRIBE whose every filter was refused', () => {
    const store = new SessionSubscriptions();
    store.add('d1', []);
    expect(store.counts()).toEqual({ subsCount: 0, clientsCount: 0 });
  });
});
