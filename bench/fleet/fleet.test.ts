// The fleet simulator's own behaviour: credentials files, source address ranges, and worker
// processes whose sockets really leave from the given loopback addresses.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCredentials } from './credentials.js';
import { Fleet } from './fleet.js';
import { explainSocketError, openFileLimit } from './limits.js';
import { parseAddressRange } from './source-addresses.js';

const workDir = mkdtempSync(path.join(os.tmpdir(), 'loa-fleet-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const credential = (n: number, port: number) => ({
  deviceId: `dev-sim${String(n).padStart(6, '0')}`,
  secret: 'a-secret-of-enough-length-0123456789',
  agentConfig: { deviceId: `dev-sim${n}`, secret: 'x'.repeat(32), brokerUrl: `mqtt://127.0.0.1:${port}`, controllerUrl: 'http://127.0.0.1:9', areaCodes: ['01858', '060', '06'], dataDir: '/nonexistent', heartbeatIntervalS: 30, player: 'alsa' },
});

describe('fleet simulator', () => {
  it('reads credentials as JSON lines or as a JSON array, and names a bad entry', () => {
    const one = { deviceId: 'dev-a', secret: 's', agentConfig: { areaCodes: ['06'] } };
    expect(parseCredentials(`${JSON.stringify(one)}\n${JSON.stringify({ ...one, deviceId: 'dev-b' })}\n`).map((c) => c.deviceId)).toEqual(['dev-a', 'dev-b']);
    expect(parseCredentials(JSON.stringify([one]))).toHaveLength(1);
    expect(() => parseCredentials(`${JSON.stringify(one)}\n{"deviceId":"dev-c"}`, 'f.jsonl')).toThrow(/f\.jsonl: entry 2/);
  });

  it('expands loopback source address ranges and refuses nonsense', () => {
    expect(parseAddressRange('127.0.0.2-127.0.0.4')).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
    expect(parseAddressRange('127.0.0.9-10,127.0.1.1')).toEqual(['127.0.0.9', '127.0.0.10', '127.0.1.1']);
    expect(parseAddressRange('127.0.0.1')).toEqual(['127.0.0.1']);
    expect(() => parseAddressRange('127.0.0.5-127.0.0.2')).toThrow(/not an IPv4 address range/);
    expect(() => parseAddressRange('localhost-2')).toThrow(/not an IPv4 address range/);
  });

  it('says which limit was hit in plain words, and reads the open-file limit', () => {
    expect(explainSocketError('EMFILE')).toMatch(/open-file limit/);
    expect(explainSocketError('EADDRNOTAVAIL')).toMatch(/ephemeral port/);
    expect(explainSocketError('ECONNRESET')).toBeNull();
    const limit = openFileLimit();
    if (limit) expect(limit.hard).toBeGreaterThanOrEqual(limit.soft);
  });

  it('connects each agent from worker processes, bound round robin to the given source addresses', async () => {
    const seen: string[] = [];
    const server = net.createServer((socket) => {
      seen.push(socket.remoteAddress ?? '');
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const fleet = Fleet.start({
      credentials: [1, 2, 3, 4].map((n) => credential(n, port)),
      processes: 2,
      workDir,
      heartbeatS: 30,
      jitter: false,
      disconnectRatePerMin: 0,
      slowLinkMs: 0,
      sourceAddresses: parseAddressRange('127.0.0.2-127.0.0.3'),
      playback: false,
    });
    try {
      await expect.poll(() => seen.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(4);
      expect(new Set(seen)).toEqual(new Set(['127.0.0.2', '127.0.0.3']));
      await expect.poll(() => fleet.totals().started, { timeout: 5_000 }).toBe(4);
      expect(fleet.totals().connected).toBe(0); // the server never answers CONNECT
    } finally {
      await fleet.stop();
      server.close();
    }
    expect(fleet.totals().workersAlive).toBe(0);
  }, 60_000);
});
