// Maximum MQTT packet size. mqtt-packet's MQTT 3.1.1 parser accepts any "remaining length" up
// to 268,435,455 bytes and buffers the whole body before aedes sees the packet, so one client
// could make the broker hold 256 MB. This guard reads only the fixed header of each packet as
// bytes arrive and destroys the connection as soon as a header announces a body larger than the
// limit — before that body is buffered anywhere.
import type { Duplex } from 'node:stream';

/** Expecting byte 1 of a fixed header (packet type and flags). */
const TYPE = 0;
/** Inside the variable-length "remaining length" field. */
const LENGTH = 1;
/** Skipping the body of a packet whose size is already known. */
const BODY = 2;

/**
 * Incremental scanner of MQTT fixed headers ([MQTT 3.1.1 §2.2]): byte 1 is type and flags, then
 * the remaining length in 1 to 4 bytes, 7 bits each, least significant first, high bit =
 * "another byte follows" (§2.2.3). Headers may be split across chunks at any byte. Allocates
 * nothing per chunk or per packet: bodies are skipped by counting, never copied or parsed.
 */
export class PacketSizeScanner {
  private phase: typeof TYPE | typeof LENGTH | typeof BODY = TYPE;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private bodyLeft = 0;

  constructor(readonly maxBytes: number) {}

  /** Feeds the next chunk. Returns false when a packet is too large or its header is malformed. */
  scan(chunk: Uint8Array): boolean {
    let i = 0;
    const end = chunk.length;
    while (i < end) {
      if (this.phase === BODY) {
        const step = Math.min(this.bodyLeft, end - i);
        this.bodyLeft -= step;
        i += step;
        if (this.bodyLeft === 0) this.phase = TYPE;
      } else if (this.phase === TYPE) {
        i++;
        this.phase = LENGTH;
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
      } else {
        const byte = chunk[i++]!;
        this.length += (byte & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        this.lengthBytes++;
        if (byte & 0x80) {
          // §2.2.3: at most four bytes; a fifth continuation is a malformed packet.
          if (this.lengthBytes === 4) return false;
        } else {
          if (this.length > this.maxBytes) return false;
          this.bodyLeft = this.length;
          this.phase = this.length === 0 ? TYPE : BODY;
        }
      }
    }
    return true;
  }
}

export interface PacketSizeGuardOptions {
  maxBytes: number;
  /** Called for every chunk that passes, with its size (for the bytes-in counter). */
  onBytes: (bytes: number) => void;
  /** Called once, just before the connection is destroyed for an oversized or malformed packet. */
  onTooLarge: (stream: Duplex) => void;
}

/**
 * Installs the scanner on a connection by wrapping the stream's own `push`, which is how
 * net/tls sockets and ws' `createWebSocketStream` hand received data to their readable side.
 * Why not a Transform between socket and aedes: aedes writes to the same stream it reads, so a
 * Transform would need a second Duplex per connection, and every outgoing byte would pass
 * through it with its own buffering and backpressure. With 20,000 connections at ≤ 10 KB each
 * and a throughput target against Mosquitto, a closure and five numbers per connection is the
 * cheaper place: writes go straight to the socket and received chunks are not copied.
 */
export function guardPacketSize(stream: Duplex, options: PacketSizeGuardOptions): void {
  const scanner = new PacketSizeScanner(options.maxBytes);
  const push = stream.push;
  let tripped = false;
  stream.push = function guardedPush(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (tripped) return false;
    if (chunk instanceof Uint8Array) {
      if (!scanner.scan(chunk)) {
        tripped = true;
        options.onTooLarge(stream);
        stream.destroy();
        return false;
      }
      options.onBytes(chunk.length);
    }
    return push.call(stream, chunk, encoding);
  };
}
