// The policy's authenticate hook on its own (the MQTT behaviour is tested through a real broker
// in broker.test.ts): what it does with the secret's bytes.
import type { Client } from 'aedes';
import { describe, expect, it } from 'vitest';
import { createPolicy } from './policy.js';
import { StatsCounters } from './stats.js';
import { captureLogs } from './test-support.js';

describe('policy authenticate', () => {
  it('checks the secret, then wipes its bytes from the CONNECT packet the parser keeps', async () => {
    const seen: string[] = [];
    const policy = createPolicy({
      authenticate: async ({ password }) => {
        seen.push(password);
        return { kind: 'device', deviceId: 'dev-a', areaCodes: ['01843', '058', '06'] };
      },
      logger: captureLogs().logger,
      stats: new StatsCounters(),
      remoteAddressOf: () => '127.0.0.1',
    });
    const password = Buffer.from('secret-a-9f8e7d');
    const client = { id: 'dev-a' } as Client;
    const accepted = await new Promise<boolean | null>((resolve) => policy.hooks.authenticate(client, 'dev-a', password, (_err, ok) => resolve(ok)));
    expect(accepted).toBe(true);
    expect(seen).toEqual(['secret-a-9f8e7d']);
    expect([...password].every((byte) => byte === 0)).toBe(true);
  });
});
