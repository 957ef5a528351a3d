import { describe, expect, it } from 'vitest';
import { type BusListener, MessageBus } from './message-bus.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('MessageBus (Aedes `mq`)', () => {
  it('calls every matching listener and reports done once all have finished', async () => {
    const bus = new MessageBus();
    const calls: string[] = [];
    const pending: Array<() => void> = [];
    const listener =
      (name: string): BusListener =>
      (packet, done) => {
        calls.push(`${name}:${packet.topic}`);
        pending.push(done);
      };
    bus.on('loa/v1/areas/06/cmd', listener('d1'));
    bus.on('loa/v1/areas/06/cmd', listener('d2'));
    bus.on('loa/#', listener('ops'));
    let finished = 0;
    bus.emit({ topic: 'loa/v1/areas/06/cmd' }, () => finished++);
    expect(calls.sort()).toEqual(['d1:loa/v1/areas/06/cmd', 'd2:loa/v1/areas/06/cmd', 'ops:loa/v1/areas/06/cmd']);
    pending[0]!();
    pending[1]!();
    expect(finished).toBe(0);
    pending[2]!();
    expect(finished).toBe(1);
  });

  it('reports done at once when nobody listens, and with one listener when it finishes', () => {
    const bus = new MessageBus();
    let finished = 0;
    bus.emit({ topic: 'nobody' }, () => finished++);
    expect(finished).toBe(1);
    bus.on('one', (_packet, done) => done());
    bus.emit({ topic: 'one' }, () => finished++);
    expect(finished).toBe(2);
  });

  it('removes a listener after the current turn, as mqemitter does', async () => {
    const bus = new MessageBus();
    const seen: string[] = [];
    const listener: BusListener = (packet, done) => {
      seen.push(packet.topic);
      done();
    };
    bus.on('t', listener);
    let removed = false;
    bus.removeListener('t', listener, () => {
      removed = true;
    });
    bus.emit({ topic: 't' }); // still delivered: the removal is deferred
    await tick();
    expect(removed).toBe(true);
    bus.emit({ topic: 't' });
    expect(seen).toEqual(['t']);
  });

  it('refuses to emit once closed', async () => {
    const bus = new MessageBus();
    await new Promise<void>((resolve) => bus.close(() => resolve()));
    const err = await new Promise<Error | undefined>((resolve) => bus.emit({ topic: 't' }, resolve));
    expect(err?.message).toMatch(/closed/);
  });
});
