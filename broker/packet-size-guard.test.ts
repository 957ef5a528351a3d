import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { guardPacketSize, PacketSizeScanner } from './packet-size-guard.js';

/** An MQTT fixed header: type byte + remaining length encoded per MQTT 3.1.1 §2.2.3. */
function header(type: number, remaining: number): number[] {
  const bytes = [type];
  let n = remaining;
  do {
    let digit = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) digit |= 0x80;
    bytes.push(digit);
  } while (n > 0);
  return bytes;
}
const packet = (remaining: number) => Buffer.from([...header(0x30, remaining), ...new Array(remaining).fill(0x61)]);

describe('PacketSizeScanner', () => {
  it('accepts packets up to the limit, one per chunk or many per chunk', () => {
    const scanner = new PacketSizeScanner(200);
    expect(scanner.scan(packet(200))).toBe(true);
    expect(scanner.scan(Buffer.concat([packet(0), packet(127), packet(128), packet(5)]))).toBe(true);
  });

  it('refuses a packet whose remaining length is one byte over the limit', () => {
    expect(new PacketSizeScanner(200).scan(Buffer.from(header(0x30, 201)))).toBe(false);
  });

  it('refuses as soon as the header arrives, before any of the body', () => {
    const scanner = new PacketSizeScanner(1_000_000);
    expect(scanner.scan(Buffer.from(header(0x30, 268_435_455)))).toBe(false);
  });

  it('reads a remaining length split across chunks at every byte', () => {
    const bytes = packet(20_000);
    const big = Buffer.from(header(0x30, 2_000_000));
    for (let cut = 1; cut < 5; cut++) {
      const ok = new PacketSizeScanner(20_000);
      expect(ok.scan(bytes.subarray(0, cut))).toBe(true);
      expect(ok.scan(bytes.subarray(cut))).toBe(true);
    }
    expect(big.length).toBe(4);
    for (let cut = 1; cut < big.length; cut++) {
      const tooBig = new PacketSizeScanner(20_000);
      expect(tooBig.scan(big.subarray(0, cut))).toBe(true);
      expect(tooBig.scan(big.subarray(cut))).toBe(false);
    }
  });

  it('follows packet boundaries byte by byte', () => {
    const stream = Buffer.concat([packet(300), packet(1), packet(0), packet(16_383), packet(16_384)]);
    const scanner = new PacketSizeScanner(16_384);
    let accepted = true;
    for (let i = 0; i < stream.length; i++) accepted &&= scanner.scan(stream.subarray(i, i + 1));
    expect(accepted).toBe(true);
    expect(scanner.scan(Buffer.from(header(0x30, 16_385)))).toBe(false);
  });

  it('refuses a remaining length with a fifth continuation byte (malformed, §2.2.3)', () => {
    expect(new PacketSizeScanner(Number.MAX_SAFE_INTEGER).scan(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toBe(false);
  });
});

describe('guardPacketSize', () => {
  it('passes chunks through unchanged and counts their bytes', async () => {
    const stream = new PassThrough();
    let bytes = 0;
    guardPacketSize(stream, { maxBytes: 100, onBytes: (n) => (bytes += n), onTooLarge: () => {} });
    const chunk = packet(50);
    stream.end(chunk);
    const received: Buffer[] = [];
    for await (const data of stream) received.push(data as Buffer);
    expect(Buffer.concat(received)).toEqual(chunk);
    expect(bytes).toBe(chunk.length);
  });

  it('destroys the stream and reports once when a packet is too large', async () => {
    const stream = new PassThrough();
    let reported = 0;
    guardPacketSize(stream, { maxBytes: 100, onBytes: () => {}, onTooLarge: () => reported++ });
    const closed = new Promise((resolve) => stream.once('close', resolve));
    stream.write(Buffer.from(header(0x30, 101)));
    await closed;
    expect(stream.destroyed).toBe(true);
    expect(reported).toBe(1);
  });
});
