import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { coalesceWrites } from './write-coalescing.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A connected loopback socket pair (port 0) and what the far end receives. */
async function socketPair(): Promise<{ sender: net.Socket; received: () => Buffer }> {
  const chunks: Buffer[] = [];
  const server = net.createServer((socket) => socket.on('data', (chunk) => chunks.push(chunk)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sender = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise((resolve) => sender.once('connect', resolve));
  cleanups.push(() => {
    sender.destroy();
    server.close();
  });
  return { sender, received: () => Buffer.concat(chunks) };
}

/** Counts the socket's trips to the kernel (one _write or _writev each). */
function countFlushes(socket: net.Socket): () => number {
  let flushes = 0;
  const inner = socket as unknown as { _writev: (...a: unknown[]) => unknown; _write: (...a: unknown[]) => unknown };
  const writev = inner._writev.bind(socket);
  const write = inner._write.bind(socket);
  inner._writev = (...a) => {
    flushes++;
    return writev(...a);
  };
  inner._write = (...a) => {
    flushes++;
    return write(...a);
  };
  return () => flushes;
}

/**
 * Writes `count` packets the way aedes does through mqtt-packet: each from its own callback (as
 * each arrives from another client's socket), corked for the packet and uncorked on the next tick.
 */
async function writeLikeAedes(socket: net.Socket, count: number): Promise<Buffer> {
  const expected: Buffer[] = [];
  await new Promise<void>((resolve) => {
    for (let i = 0; i < count; i++) {
      setImmediate(() => {
        const header = Buffer.from([0x30, 5]);
        const body = Buffer.from(`m${String(i).padStart(4, '0')}`);
        expected.push(header, body);
        socket.cork();
        socket.write(header);
        socket.write(body);
        process.nextTick(() => socket.uncork());
        if (i === count - 1) setImmediate(resolve);
      });
    }
  });
  return Buffer.concat(expected);
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('write coalescing', () => {
  it.each([
    { coalesced: true, flushes: 1, what: 'sends the packets of one turn of the event loop in one write, in order' },
    { coalesced: false, flushes: 200, what: 'without it, each packet is its own write (what it saves)' },
  ])('$what', async ({ coalesced, flushes }) => {
    const { sender, received } = await socketPair();
    if (coalesced) coalesceWrites(sender);
    const counted = countFlushes(sender);
    const sent = await writeLikeAedes(sender, 200);
    await until(() => received().length === sent.length);
    expect(received().equals(sent)).toBe(true);
    expect(counted()).toBe(flushes);
  });

  it('keeps sending in later turns, and keeps backpressure: write() turns false past the high-water mark', async () => {
    const { sender, received } = await socketPair();
    coalesceWrites(sender);
    coalesceWrites(sender); // idempotent: a second wrap would hold two corks
    const first = await writeLikeAedes(sender, 10);
    const second = await writeLikeAedes(sender, 10);
    await until(() => received().length === first.length + second.length);
    expect(received().equals(Buffer.concat([first, second]))).toBe(true);

    const big = Buffer.alloc(sender.writableHighWaterMark + 1, 1);
    expect(sender.write(big)).toBe(false);
    await new Promise((resolve) => sender.once('drain', resolve));
    await until(() => received().length === first.length + second.length + big.length);
  });

  it('does not fail on a connection closed while it holds writes', async () => {
    const { sender } = await socketPair();
    coalesceWrites(sender);
    const errors: Error[] = [];
    sender.on('error', (err) => errors.push(err));
    sender.write(Buffer.from('x'));
    sender.destroy();
    // Two turns: the held release has run on the destroyed socket by then.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toEqual([]);
    expect(sender.destroyed).toBe(true);
  });
});
