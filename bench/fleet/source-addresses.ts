// Loopback source addresses for the simulator's sockets. One address can open only about
// 28,000 connections to one broker port (the ephemeral port range, net.ipv4.ip_local_port_range);
// binding sockets round robin to 127.0.0.2 … 127.0.0.40 (all of 127/8 is loopback on Linux)
// multiplies that.
import net from 'node:net';

/** "127.0.0.2-127.0.0.40", "127.0.0.2,127.0.0.3" or one address. */
export function parseAddressRange(spec: string): string[] {
  const out: string[] = [];
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [from, to] = part.split('-').map((s) => s.trim()) as [string, string | undefined];
    if (net.isIPv4(from) && to === undefined) {
      out.push(from);
      continue;
    }
    const a = toNumber(from);
    const b = to === undefined ? a : toNumber(to.includes('.') ? to : `${from.split('.').slice(0, 3).join('.')}.${to}`);
    if (a === null || b === null || b < a || b - a > 65_535) throw new Error(`not an IPv4 address range: ${part} (expected e.g. 127.0.0.2-127.0.0.40)`);
    for (let n = a; n <= b; n++) out.push([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'));
  }
  if (out.length === 0) throw new Error('no source addresses given');
  return out;
}

function toNumber(ip: string): number | null {
  if (!net.isIPv4(ip)) return null;
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}
