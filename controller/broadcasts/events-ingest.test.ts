// The ingest's promise to the agent: an ack only for what is committed, so a controller that dies
// between receipt and commit loses nothing (the agent uploads again) and counts nothing twice.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../platform/logger.js';
import { decode, type EventsPayload } from '../../shared/index.js';
import { type LoaDatabase, openDatabase, runMigrations } from '../db/client.js';
import { Metrics } from '../metrics.js';
import { EmergencyTracker } from './emergency-tracker.js';
import { EventIngest } from './events-ingest.js';

let dir: string;
let database: LoaDatabase;
let acks: { topic: string; seq: number }[];

const mqtt = {
  publish: async (topic: string, payload: Buffer) => {
    const ack = decode('events/ack', payload);
    if (ack.ok) acks.push({ topic, seq: ack.value.seq });
  },
};
const ingest = () => new EventIngest(database.sqlite, mqtt, new EmergencyTracker(database.sqlite, silentLogger), new Metrics(), silentLogger, { maxDelayMs: 60_000 });
const batch = (...seqs: number[]): EventsPayload => ({ v: 1, ts: 1, events: seqs.map((seq) => ({ seq, ts: 1000 + seq, type: 'agent_started' as const })) });
const stored = () => (database.sqlite.prepare(`SELECT COUNT(*) AS n FROM device_events WHERE device_id = 'd1'`).get() as { n: number }).n;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'loa-ingest-'));
  database = openDatabase(path.join(dir, 'loa.sqlite'));
  runMigrations(database);
  acks = [];
});
afterEach(() => {
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('event ingest', () => {
  it('acknowledges nothing before the commit, and the committed contiguous sequence after it', () => {
    const events = ingest();
    events.enqueue('d1', batch(1, 2, 3), Date.now());
    expect(acks).toEqual([]);
    expect(stored()).toBe(0);
    events.flush();
    expect(stored()).toBe(3);
    expect(acks).toEqual([{ topic: 'loa/v1/devices/d1/events/ack', seq: 3 }]);
  });

  it('loses nothing and counts nothing twice across a controller that died before committing', () => {
    const first = ingest();
    first.enqueue('d1', batch(1, 2), Date.now());
    first.flush();
    // Received, never committed: the process dies with this in its queue.
    first.enqueue('d1', batch(3, 4), Date.now());
    expect(acks.map((a) => a.seq)).toEqual([2]);

    // The restarted controller gets the agent's re-upload from its last ack (3, 4) — and, to be
    // sure, an overlapping one (2, 3, 4).
    const second = ingest();
    second.enqueue('d1', batch(3, 4), Date.now());
    second.enqueue('d1', batch(2, 3, 4), Date.now());
    second.flush();
    expect(stored()).toBe(4);
    expect(acks.map((a) => a.seq)).toEqual([2, 4]);
  });

  it('holds the ack at a gap until it is filled, also across restarts', () => {
    const events = ingest();
    events.enqueue('d1', batch(1, 2, 5), Date.now());
    events.flush();
    expect(acks.at(-1)!.seq).toBe(2);
    const restarted = ingest();
    restarted.enqueue('d1', batch(3, 4), Date.now());
    restarted.flush();
    expect(acks.at(-1)!.seq).toBe(5);
  });
});
