import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../platform/logger.js';
import { seedRegistry } from '../../seeds/seed.js';
import { type LoaDatabase, openDatabase, runMigrations } from '../db/client.js';
import { Metrics } from '../metrics.js';
import { PresenceService } from './presence.js';

let database: LoaDatabase;
let now = 1_000_000;
let presence: PresenceService;

beforeEach(() => {
  database = openDatabase(':memory:');
  runMigrations(database);
  seedRegistry(database);
  database.sqlite
    .prepare("INSERT INTO devices (id, station_id, name, secret_hash, secret_rotated_at, online, created_at, updated_at) VALUES ('dev-a', 1, 'A', 'x', 0, 1, 0, 0)")
    .run();
  presence = new PresenceService(database.sqlite, new Metrics(), silentLogger, 90_000, () => now);
  presence.start();
});
afterEach(() => database.close());

const reasons = () => {
  presence.flush(); // rows follow in one transaction per turn of the event loop
  const rows = database.sqlite.prepare("SELECT online, reason FROM device_state_changes WHERE device_id = 'dev-a' ORDER BY id").all() as { online: number; reason: string }[];
  return rows.map((r) => `${r.online}:${r.reason}`);
};

describe('presence', () => {
  it('closes what the previous run left online, since it could not watch', () => {
    expect(reasons()).toEqual(['0:controller_restart']);
  });

  it('ignores a Last Will from an older session that arrives after the new session came online', () => {
    presence.onState('dev-a', { v: 1, ts: 10, session: 10, online: true }, now);
    presence.onState('dev-a', { v: 1, ts: 20, session: 20, online: true }, now + 1); // takeover: new session
    presence.onState('dev-a', { v: 1, ts: 10, session: 10, online: false, reason: 'lost' }, now + 2); // old session's will, late
    expect(reasons()).toEqual(['0:controller_restart', '1:connected']);
    presence.onState('dev-a', { v: 1, ts: 20, session: 20, online: false, reason: 'lost' }, now + 3); // this session's will
    expect(reasons()).toEqual(['0:controller_restart', '1:connected', '0:lost']);
  });

  it('marks a silent device offline after the limit, and back online with its next heartbeat', () => {
    presence.onState('dev-a', { v: 1, ts: 1, online: true }, now);
    now += 60_000;
    expect(presence.sweep()).toBe(0);
    now += 31_000;
    expect(presence.sweep()).toBe(1);
    now += 1000;
    presence.onSeen(new Map([['dev-a', now]]));
    expect(reasons()).toEqual(['0:controller_restart', '1:connected', '0:heartbeat_timeout', '1:connected']);
  });

  it('does not bring back a device that said goodbye with a heartbeat it sent before, committed after', () => {
    presence.onState('dev-a', { v: 1, ts: 1, online: true }, now);
    const heartbeatReceivedAt = now + 1000;
    presence.onState('dev-a', { v: 1, ts: 2, online: false, reason: 'shutdown' }, now + 1040);
    // The heartbeat's batch commits 100 ms after it arrived, after the goodbye.
    presence.onSeen(new Map([['dev-a', heartbeatReceivedAt]]));
    expect(reasons()).toEqual(['0:controller_restart', '1:connected', '0:shutdown']);
    presence.onSeen(new Map([['dev-a', now + 5000]]));
    expect(reasons()).toEqual(['0:controller_restart', '1:connected', '0:shutdown', '1:connected']);
  });

  it('counts the devices online through every kind of transition', () => {
    expect(presence.onlineCount()).toBe(0);
    presence.onState('dev-a', { v: 1, ts: 1, online: true }, now);
    presence.onState('dev-a', { v: 1, ts: 2, online: true }, now + 1); // no transition: still one
    expect(presence.onlineCount()).toBe(1);
    now += 91_000;
    presence.sweep();
    expect(presence.onlineCount()).toBe(0);
    presence.onSeen(new Map([['dev-a', now + 1000]])); // a heartbeat after the sweep
    expect(presence.onlineCount()).toBe(1);
    presence.onState('dev-a', { v: 1, ts: 3, online: false, reason: 'shutdown' }, now + 2000);
    expect(presence.onlineCount()).toBe(0);
    presence.start(); // a restart forgets and recounts
    expect(presence.onlineCount()).toBe(0);
  });

  it('writes the rows of many transitions in one turn of the event loop, in order', async () => {
    for (let i = 0; i < 5; i++) {
      presence.onState('dev-a', { v: 1, ts: i, session: i * 2 + 1, online: true }, now + i * 10);
      presence.onState('dev-a', { v: 1, ts: i, session: i * 2 + 1, online: false, reason: 'lost' }, now + i * 10 + 5);
    }
    const committed = () => (database.sqlite.prepare("SELECT count(*) AS n FROM device_state_changes WHERE device_id = 'dev-a'").get() as { n: number }).n;
    expect(committed()).toBe(1); // only the restart row so far
    await new Promise((resolve) => setImmediate(resolve));
    expect(committed()).toBe(11);
    expect(reasons().slice(1, 4)).toEqual(['1:connected', '0:lost', '1:connected']);
  });
});
