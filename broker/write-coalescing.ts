// Writes to one connection gathered into one syscall per turn of the event loop.
// mqtt-packet corks the socket for each packet and uncorks it on the next tick, so every packet
// aedes forwards is its own writev — and on loopback that syscall also runs the kernel's delivery
// to the reader. The controller's connection gets a packet for every heartbeat of the fleet: in
// the telemetry benchmark's CPU profile (5,000 agents × 2/s) writev was 8.8% of the broker +
// controller process. Holding one cork until the end of the turn (setImmediate runs after the
// poll phase that read the agents' packets) sends everything queued for it in one writev, and the
// reader parses one chunk instead of hundreds. The delay is under one turn of the loop.
// Backpressure is unchanged: write() still returns false past the socket's high-water mark, and
// aedes then waits for 'drain', which comes once the held bytes are flushed.
import type { Writable } from 'node:stream';

const coalesced = new WeakSet<Writable>();

export function coalesceWrites(stream: Writable): void {
  if (coalesced.has(stream)) return;
  coalesced.add(stream);
  let holding = false;
  // uncork() on a stream destroyed meanwhile is harmless: nothing is written.
  const release = () => {
    holding = false;
    stream.uncork();
  };
  const write = stream.write;
  stream.write = function (this: Writable, ...args: Parameters<Writable['write']>) {
    if (!holding) {
      holding = true;
      stream.cork();
      setImmediate(release);
    }
    return write.apply(this, args);
  } as Writable['write'];
}
