// In-flight messages per persistent-session client: queued in order, found by (broker, counter)
// and by packet identifier, cleared by PUBACK, and as the stock store does for the rare cases
// (another broker's packet with the same identifier, a PUBREL taking its PUBLISH's place).
import { describe, expect, it } from 'vitest';
import { OutgoingQueues, type QueuedPacket } from './outgoing-queues.js';

type P = QueuedPacket & { topic?: string; cmd?: string };
const pkt = (brokerCounter: number, messageId?: number, brokerId = 'b1'): P => ({ brokerId, brokerCounter, messageId, topic: `t/${brokerCounter}` });

describe('OutgoingQueues', () => {
  it('keeps each client’s packets in order and clears the one a PUBACK names', () => {
    const q = new OutgoingQueues<P>();
    for (let i = 1; i <= 4; i++) q.enqueue('ctl', pkt(i));
    q.enqueue('other', pkt(9));
    for (let i = 1; i <= 4; i++) expect(q.update('ctl', pkt(i, 100 + i))).toBe(true);
    expect(q.list('ctl').map((p) => p.messageId)).toEqual([101, 102, 103, 104]);
    expect(q.clear('ctl', 103)?.topic).toBe('t/3');
    expect(q.clear('ctl', 103)).toBeUndefined(); // a repeated PUBACK
    expect(q.list('ctl').map((p) => p.topic)).toEqual(['t/1', 't/2', 't/4']);
    expect(q.list('other').map((p) => p.topic)).toEqual(['t/9']);
    expect(q.clear('nobody', 1)).toBeUndefined();
  });

  it('reassigns an identifier on resend and finds the packet by the new one', () => {
    const q = new OutgoingQueues<P>();
    q.enqueue('ctl', pkt(1));
    q.update('ctl', pkt(1, 7));
    q.update('ctl', pkt(1, 8)); // sent again after a reconnect with a new identifier
    expect(q.clear('ctl', 7)).toBeUndefined();
    expect(q.clear('ctl', 8)?.topic).toBe('t/1');
    expect(q.list('ctl')).toEqual([]);
  });

  it('refuses to update a packet it does not hold', () => {
    const q = new OutgoingQueues<P>();
    q.enqueue('ctl', pkt(1, 5));
    expect(q.update('ctl', pkt(2, 6))).toBe(false);
    expect(q.update('nobody', pkt(1, 5))).toBe(false);
  });

  it('lets a packet of another broker, or a PUBREL, take the place of the one with its identifier', () => {
    const q = new OutgoingQueues<P>();
    q.enqueue('ctl', pkt(1, 11));
    q.enqueue('ctl', pkt(2, 12));
    q.enqueue('ctl', pkt(3, 13));
    expect(q.update('ctl', { ...pkt(50, 12, 'b2'), topic: 'from b2' })).toBe(true);
    const pubrel: P = { cmd: 'pubrel', messageId: 13 };
    expect(q.update('ctl', pubrel)).toBe(true);
    expect(q.list('ctl').map((p) => p.topic ?? p.cmd)).toEqual(['t/1', 'from b2', 'pubrel']);
    expect(q.update('ctl', pkt(50, 12, 'b2'))).toBe(true); // now found by its own counter
    expect(q.clear('ctl', 13)).toBe(pubrel); // PUBCOMP
    expect(q.list('ctl').map((p) => p.topic)).toEqual(['t/1', 'from b2']);
  });

  it('clears the oldest of two packets holding one identifier (identifiers wrap after 65,535)', () => {
    const q = new OutgoingQueues<P>();
    q.enqueue('ctl', pkt(1, 3));
    q.enqueue('ctl', pkt(2, 3));
    expect(q.clear('ctl', 3)?.topic).toBe('t/1');
    expect(q.clear('ctl', 3)?.topic).toBe('t/2');
  });

  it('hands out a copy, so resending while PUBACKs arrive does not skip packets', () => {
    const q = new OutgoingQueues<P>();
    for (let i = 1; i <= 3; i++) q.enqueue('ctl', pkt(i, i));
    const resend = q.list('ctl');
    q.clear('ctl', 1);
    expect(resend.map((p) => p.topic)).toEqual(['t/1', 't/2', 't/3']);
  });
});
