// Broadcasts end to end: a real broker, the controller and real agents with the `file` player
// (real ffmpeg decoding lavfi tones): an approved bulletin's delivery file fetched from the
// controller with the cluster's credentials, and relay streams served over HTTP standing for the
// provincial radio. A recurring schedule plays at the right times on the right clusters and nowhere
// else; an emergency interrupts a normal item within seconds and both are logged; a cluster cut
// from the broker still plays on time and delivers its proof of play after reconnecting, nothing
// lost and nothing counted twice; a commune operator confirms an occurrence.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { parseAgentConfig } from '../../agent/config.js';
import { type MediaServer, makeAudio, playedLog, startMediaServer } from '../../agent/playback/test-support.js';
import { seedBulletin } from '../broadcast-support.js';
import { startTestSystem, type TestSystem } from '../system.js';
import { startTcpProxy, type TcpProxy } from '../tcp-proxy.js';

const ZONE = 'Asia/Ho_Chi_Minh';
const FAST = { backoff: { baseMs: 100, capMs: 500 }, stableAfterMs: 1000 };
const WAIT = { timeout: 30_000, interval: 100 };

let sys: TestSystem;
let dir: string;
let district: { cookie: string };
let operator: { cookie: string };
let radio: MediaServer;
/** Relay stream URLs: one of about 1 s, one of about 8 s. */
let shortTone: string;
let longTone: string;
/** An approved bulletin whose delivery file is a real ~1 s Opus tone. */
let bulletinId: number;
const running: { agent: Agent; dir: string }[] = [];
const proxies: TcpProxy[] = [];

/** Local wall-clock time `seconds` from now, with seconds, in the schedule zone. */
const soon = (seconds: number) => DateTime.now().setZone(ZONE).plus({ seconds });
const sql = <T>(query: string, ...args: unknown[]) => sys.ctx.database.sqlite.prepare(query).all(...args) as T[];

async function tone(seconds: number, frequency: number): Promise<string> {
  const audio = await makeAudio(dir, seconds, frequency);
  const name = `tone-${frequency}-${seconds}.opus`;
  radio.streams.set(name, audio.bytes);
  return `${radio.url}/stream/${name}`;
}

async function startAgent(commune: string, via?: TcpProxy): Promise<{ agent: Agent; deviceId: string }> {
  const device = await sys.provision(commune);
  const agentDir = mkdtempSync(path.join(os.tmpdir(), 'loa-e2e-agent-'));
  const config = parseAgentConfig({ ...device.agentConfig, brokerUrl: via?.url ?? sys.mqttUrl, dataDir: agentDir, heartbeatIntervalS: 5, player: 'file' }, agentDir);
  const agent = new Agent(config, { link: FAST, playback: { ackTimeoutMs: 1_000 } });
  running.push({ agent, dir: agentDir });
  await agent.start();
  await vi.waitFor(() => expect(sys.ctx.presence.isKnown(device.deviceId) && agent.link.connected).toBe(true), WAIT);
  return { agent, deviceId: device.deviceId };
}

/** Waits until the agent holds the controller's current manifest (and so has fetched its media). */
async function holdsManifest(deviceId: string): Promise<void> {
  await sys.ctx.broadcasts.manifests.whenIdle();
  const version = sys.ctx.broadcasts.manifests.current(deviceId)!.version;
  await vi.waitFor(() => expect(sql<{ v: number }>('SELECT manifest_version_held AS v FROM devices WHERE id = ?', deviceId)[0]!.v).toBe(version), WAIT);
}

const results = (deviceId: string) =>
  sql<{ item_id: string; occurrence_id: number; status: string; skew_ms: number | null; interrupted_by: string | null }>(
    'SELECT item_id, occurrence_id, status, skew_ms, interrupted_by FROM playback_results WHERE device_id = ? ORDER BY planned_start_at',
    deviceId,
  );
const occurrenceOf = (scheduleId: number) => sql<{ id: number }>('SELECT id FROM occurrences WHERE schedule_id = ?', scheduleId)[0]?.id;
const plays = (deviceId: string) => sql<{ seq: number; type: string; item_id: string | null }>(`SELECT seq, type, item_id FROM device_events WHERE device_id = ? AND type LIKE 'play_%' ORDER BY seq`, deviceId);

beforeAll(async () => {
  sys = await startTestSystem();
  dir = mkdtempSync(path.join(os.tmpdir(), 'loa-e2e-broadcast-'));
  district = await sys.createUser('district_staff', '060');
  operator = await sys.createUser('commune_operator', '01858');
  radio = await startMediaServer('unused', 'unused');
  shortTone = await tone(1, 440);
  longTone = await tone(8, 660);
  const audio = await makeAudio(dir, 1, 550);
  bulletinId = (await seedBulletin(sys, { ownerAreaCode: '060', durationMs: audio.durationMs, bytes: audio.bytes, title: 'Bản tin giờ' })).id;
});
afterEach(async () => {
  for (const { agent, dir: d } of running.splice(0)) {
    await agent.stop();
    rmSync(d, { recursive: true, force: true });
  }
  for (const p of proxies.splice(0)) await p.close();
});
afterAll(async () => {
  await radio?.close();
  await sys?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('broadcasts end to end', () => {
  it('a recurring schedule plays at the right times on the right clusters and nowhere else; the commune operator confirms it', async () => {
    const a = await startAgent('01858');
    const b = await startAgent('01858');
    const c = await startAgent('01861');
    const t1 = soon(8);
    const t2 = t1.plus({ seconds: 3 });
    const res = await sys.http('POST', '/api/v1/schedules', {
      cookie: district.cookie,
      body: {
        title: 'Bản tin giờ',
        timing: { kind: 'weekly', daysOfWeek: [1, 2, 3, 4, 5, 6, 7], times: [t1.toFormat('HH:mm:ss'), t2.toFormat('HH:mm:ss')] },
        bulletinIds: [bulletinId],
        targets: { areas: ['01858'] },
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await holdsManifest(a.deviceId);
    await holdsManifest(b.deviceId);

    for (const d of [a, b]) {
      await vi.waitFor(() => expect(results(d.deviceId).filter((r) => r.status === 'finished').length).toBeGreaterThanOrEqual(2), WAIT);
      const [first, second] = results(d.deviceId).filter((r) => r.status === 'finished');
      // On time: never early, late only by scheduling noise on a loaded two-core machine.
      for (const r of [first!, second!]) {
        expect(r.skew_ms).toBeGreaterThanOrEqual(0);
        expect(r.skew_ms).toBeLessThan(1_000);
      }
    }
    expect(plays(c.deviceId)).toEqual([]);
    expect(results(c.deviceId)).toEqual([]);

    const occurrenceId = results(a.deviceId)[0]!.occurrence_id;
    const view = (await sys.http('GET', `/api/v1/occurrences/${occurrenceId}`, { cookie: operator.cookie })).body;
    expect(view.devices.map((d: { outcome: string }) => d.outcome)).toEqual(['finished', 'finished']);
    const confirm = await sys.http('PUT', `/api/v1/communes/01858/occurrences/${occurrenceId}/confirmation`, { cookie: operator.cookie, body: { status: 'heard' } });
    expect(confirm.status).toBe(200);
    const today = (await sys.http('GET', '/api/v1/communes/01858/today', { cookie: operator.cookie })).body;
    expect(today.occurrences.find((o: { id: number }) => o.id === occurrenceId).confirmations[0]).toMatchObject({ status: 'heard' });
  });

  it('an emergency interrupts a normal item within seconds, and both are logged', { timeout: 90_000 }, async () => {
    const a = await startAgent('01858');
    const res = await sys.http('POST', '/api/v1/schedules', {
      cookie: district.cookie,
      body: { title: 'Chương trình dài', timing: { kind: 'once', at: soon(4).toFormat("yyyy-MM-dd'T'HH:mm:ss") }, stream: { url: longTone, durationMs: 8_000 }, targets: { devices: [a.deviceId] } },
    });
    expect(res.status).toBe(201);
    await holdsManifest(a.deviceId);
    const mine = () => results(a.deviceId).find((r) => r.occurrence_id === occurrenceOf(res.body.schedule.id));
    await vi.waitFor(() => expect(mine()?.status).toBe('started'), WAIT);

    const sentAt = Date.now();
    const em = await sys.http('POST', '/api/v1/emergencies', { cookie: district.cookie, body: { title: 'Lũ quét', areaCodes: ['060'], stream: { url: shortTone, durationMs: 1_000 } } });
    expect(em.status).toBe(201);
    await vi.waitFor(async () => {
      const rows = (await sys.http('GET', `/api/v1/emergencies/${em.body.id}/devices`, { cookie: district.cookie })).body.items;
      expect(rows.find((r: { deviceId: string }) => r.deviceId === a.deviceId)).toMatchObject({ ackStatus: 'ok', startedAt: expect.any(Number) });
    }, WAIT);
    const row = (await sys.http('GET', `/api/v1/emergencies/${em.body.id}/devices`, { cookie: district.cookie })).body.items.find((r: { deviceId: string }) => r.deviceId === a.deviceId);
    expect(row.startedAt - sentAt).toBeLessThan(5_000);
    await vi.waitFor(() => expect(mine()!.status).toBe('interrupted'), WAIT);
    expect(JSON.parse(mine()!.interrupted_by!)).toMatchObject({ class: 'emergency' });
    // Ended, so it is not re-sent to the clusters of later tests.
    expect((await sys.http('POST', `/api/v1/emergencies/${em.body.id}/stop`, { cookie: district.cookie })).status).toBe(200);
  });

  it('a cluster cut from the broker plays on time and delivers its proof of play after reconnecting, nothing lost, nothing twice', async () => {
    const proxy = await startTcpProxy(sys.mqttPort);
    proxies.push(proxy);
    const a = await startAgent('01861', proxy);
    const at = soon(8);
    const res = await sys.http('POST', '/api/v1/schedules', {
      cookie: district.cookie,
      body: { title: 'Khi mất mạng', timing: { kind: 'once', at: at.toFormat("yyyy-MM-dd'T'HH:mm:ss") }, stream: { url: shortTone, durationMs: 1_000 }, targets: { devices: [a.deviceId] } },
    });
    expect(res.status).toBe(201);
    await holdsManifest(a.deviceId);
    proxy.setDown(true);
    await vi.waitFor(() => expect(a.agent.link.connected).toBe(false), WAIT);
    // It plays on its own clock while the link is down (its play log is on its disk).
    await vi.waitFor(() => expect(playedLog(a.agent.config.dataDir).map((p) => p.outcome)).toEqual(['finished']), WAIT);
    const mine = () => results(a.deviceId).find((r) => r.occurrence_id === occurrenceOf(res.body.schedule.id))!;
    expect(mine().status).toBe('planned');
    proxy.setDown(false);
    await vi.waitFor(() => expect(mine().status).toBe('finished'), WAIT);
    const r = mine();
    expect(r.skew_ms).toBeGreaterThanOrEqual(0);
    expect(r.skew_ms).toBeLessThan(1_000);
    // Every event once, numbered without gaps, all acknowledged.
    const seqs = sql<{ seq: number }>('SELECT seq FROM device_events WHERE device_id = ? ORDER BY seq', a.deviceId).map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(plays(a.deviceId).filter((e) => e.type === 'play_started' && e.item_id === r.item_id)).toHaveLength(1);
    const cursor = sql<{ s: number }>('SELECT committed_seq AS s FROM device_event_cursors WHERE device_id = ?', a.deviceId)[0]!.s;
    expect(cursor).toBe(seqs[seqs.length - 1]);
  });
});
