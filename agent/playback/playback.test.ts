// Playback end to end inside one agent: a real Aedes broker, a controller on MQTT (ControllerSim),
// a real HTTP media server, real ffmpeg decoding tiny lavfi tones with the `file` player.
import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ManifestItem } from '../../shared/payloads.js';
import { Agent, type AgentDeps } from '../agent.js';
import type { AgentConfig } from '../config.js';
import { topics } from '../../shared/topics.js';
import { CONTROLLER, on, removeDir, startTestBroker, type TestBroker, testAgentConfig } from '../test-support.js';
import {
  type Audio,
  ControllerSim,
  makeAudio,
  manifest,
  type MediaServer,
  mediaItem,
  playedLog,
  startMediaServer,
} from './test-support.js';

const DEVICE = 'cluster-play-1';
const SECRET = 'device-secret-0123456789';
const USERS = { [CONTROLLER.username]: CONTROLLER.password, [DEVICE]: SECRET };
const FAST = { backoff: { baseMs: 50, capMs: 300 } };
const WAIT = { timeout: 20_000, interval: 50 };

let broker: TestBroker;
let media: MediaServer;
let ctl: ControllerSim;
let fixtures: string;
let toneA: Audio;
let toneB: Audio;
const cleanups: (() => unknown)[] = [];

beforeEach(async () => {
  fixtures = mkdtempSync(path.join(os.tmpdir(), 'loa-play-fixtures-'));
  [toneA, toneB] = await Promise.all([makeAudio(fixtures, 1, 440), makeAudio(fixtures, 1, 880)]);
  broker = await startTestBroker(USERS);
  media = await startMediaServer(DEVICE, SECRET);
  media.files.set(toneA.sha256, toneA.bytes);
  media.files.set(toneB.sha256, toneB.bytes);
  ctl = await ControllerSim.connect(broker.url, DEVICE);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await ctl.close();
  await media.close();
  await broker.close();
  removeDir(fixtures);
});

/** Starts the agent and waits until it is subscribed and online (commands are not retained). */
async function startOnline(agent: Agent): Promise<void> {
  await agent.start();
  await broker.published.next(on(topics.state(DEVICE), { online: true }));
}

/**
 * Gets the files into the agent's cache through a manifest of far-away items (version 1), so the
 * items a test then schedules a second ahead never depend on how fast a loaded machine fetches.
 */
async function precache(agent: Agent, audios: Audio[]): Promise<void> {
  const later = Date.now() + 3_600_000;
  await ctl.sendManifest(manifest(DEVICE, 1, audios.map((a, i) => ({ ...mediaItem(`pre-${i}`, a, later + i), occurrenceId: `pre-${i}` }))));
  await vi.waitFor(() => expect(audios.every((a) => agent.playback!.cache.has(a.sha256))).toBe(true), WAIT);
}

function makeAgent(overrides: Partial<AgentConfig> = {}, deps: AgentDeps = {}): Agent {
  const config = testAgentConfig(broker.url, { deviceId: DEVICE, secret: SECRET, controllerUrl: media.url, player: 'file', ...overrides });
  const agent = new Agent(config, {
    version: '9.9.9-test',
    link: FAST,
    playback: { fetchBackoff: { baseMs: 200, capMs: 500 }, ackTimeoutMs: 1_000 },
    ...deps,
  });
  cleanups.push(async () => {
    await agent.stop();
    removeDir(config.dataDir);
  });
  return agent;
}

describe('scheduled playback', () => {
  it('plays each item at its start time from its own cache, with the file player', async () => {
    const agent = makeAgent();
    await agent.start();
    await precache(agent, [toneA, toneB]);
    const t0 = Date.now() + 1_500;
    await ctl.sendManifest(manifest(DEVICE, 2, [mediaItem('a', toneA, t0), mediaItem('b', toneB, t0 + 1_500)]));

    await vi.waitFor(() => expect(ctl.ofType('play_finished')).toHaveLength(2), WAIT);
    const started = ctl.ofType('play_started');
    expect(started.map((e) => [e.itemId, e.scheduledAt, e.sha256])).toEqual([
      ['a', t0, toneA.sha256],
      ['b', t0 + 1_500, toneB.sha256],
    ]);
    for (const e of started) {
      // Never early; late only by scheduling noise on a loaded machine (the benchmark measures skew).
      expect(e.ts).toBeGreaterThanOrEqual(e.scheduledAt!);
      expect(e.ts - e.scheduledAt!).toBeLessThan(1_000);
    }
    expect(ctl.ofType('media_fetched').map((e) => e.sha256).sort()).toEqual([toneA.sha256, toneB.sha256].sort());
    expect(ctl.ofType('manifest_applied')).toHaveLength(2);
    expect(agent.state.get()).toMatchObject({ manifestVersion: 2, volume: 80, playing: null });

    const played = playedLog(agent.config.dataDir);
    expect(played.map((p) => [p.itemId, p.sha256, p.outcome])).toEqual([
      ['a', toneA.sha256, 'finished'],
      ['b', toneB.sha256, 'finished'],
    ]);
    // What was heard: about one second of audio each (48 kHz mono 16-bit WAV ≈ 96 kB).
    for (const p of played) expect(statSync(p.file).size).toBeGreaterThan(60_000);
    // Every event numbered once, from 1, without gaps, and acknowledged.
    const seqs = ctl.uniqueEvents.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(media.requests.every((r) => r.authorized)).toBe(true);

    // The heartbeat carries the cache size and the measured clock offset.
    media.clockSkewMs = -2_000;
    await agent.playback!.clockOffset.measure();
    const beat = await agent.telemetry.snapshot();
    expect(beat.cacheBytes).toBe(toneA.bytes.length + toneB.bytes.length);
    expect(beat.clockOffsetMs).toBeLessThan(-1_500);
  });
});

describe('late starts and relays', () => {
  it('starts an item a few seconds late from its beginning, and skips one past the grace period', async () => {
    const agent = makeAgent();
    await agent.start();
    await ctl.sendManifest(manifest(DEVICE, 1, [mediaItem('later', toneA, Date.now() + 600_000)]));
    await vi.waitFor(() => expect(agent.playback!.cache.has(toneA.sha256)).toBe(true), WAIT);
    const now = Date.now();
    const late = { ...mediaItem('late', toneA, now - 5_000), occurrenceId: 'occ-late' };
    const tooLate = { ...mediaItem('too-late', toneA, now - 60_000), occurrenceId: 'occ-too-late' };
    await ctl.sendManifest(manifest(DEVICE, 2, [tooLate, late]));
    await vi.waitFor(() => expect(ctl.ofType('play_finished')).toHaveLength(1), WAIT);
    expect(ctl.ofType('play_skipped')).toEqual([expect.objectContaining({ itemId: 'too-late', reason: 'device_offline', scheduledAt: now - 60_000 })]);
    const [started] = ctl.ofType('play_started');
    expect(started).toMatchObject({ itemId: 'late', scheduledAt: now - 5_000 });
    expect(started!.ts - started!.scheduledAt!).toBeGreaterThanOrEqual(5_000);
    // Whole, from its beginning.
    expect(ctl.ofType('play_finished')[0]!.durationMs).toBeGreaterThan(900);
  });

  it('relays a stream for its window and lets it interrupt a normal bulletin', async () => {
    const long = await makeAudio(fixtures, 6, 330);
    const radio = await makeAudio(fixtures, 4, 550);
    media.files.set(long.sha256, long.bytes);
    media.streams.set('vov1.opus', radio.bytes);
    const agent = makeAgent();
    await agent.start();
    await precache(agent, [long]);
    const t0 = Date.now() + 1_500;
    const relay: ManifestItem = {
      id: 'relay',
      occurrenceId: 'occ-relay',
      startAt: t0 + 1_000,
      durationMs: 1_500,
      class: 'normal',
      source: { type: 'stream', url: `${media.url}/stream/vov1.opus` },
    };
    await ctl.sendManifest(manifest(DEVICE, 2, [mediaItem('bulletin', long, t0), relay]));
    await vi.waitFor(() => expect(ctl.ofType('play_finished')).toHaveLength(1), WAIT);

    expect(ctl.ofType('play_interrupted')).toEqual([
      expect.objectContaining({ itemId: 'bulletin', interruptedBy: { class: 'normal', itemId: 'relay' } }),
    ]);
    expect(ctl.ofType('play_started').map((e) => [e.itemId, e.url ?? e.sha256])).toEqual([
      ['bulletin', long.sha256],
      ['relay', relay.source.type === 'stream' ? relay.source.url : ''],
    ]);
    const finished = ctl.ofType('play_finished')[0]!;
    expect(finished.itemId).toBe('relay');
    // Played for its window (1.5 s), not for the 4 s the source would have lasted.
    expect(finished.durationMs).toBeLessThan(3_500);
  });
});

describe('the retained manifest', () => {
  it('is taken from the broker at start-up, and again from disk when the broker is unreachable after a restart', async () => {
    const startAt = Date.now() + 4_000;
    await ctl.sendManifest(manifest(DEVICE, 7, [mediaItem('boot', toneA, startAt)]));
    const first = makeAgent();
    await first.start();
    await vi.waitFor(() => expect(ctl.ofType('media_fetched')).toHaveLength(1), WAIT);
    await first.stop();

    // Started again with no broker at all: it plays from the manifest and the file it kept.
    await broker.close();
    const second = new Agent({ ...first.config }, { link: FAST, playback: { ackTimeoutMs: 1_000 } });
    cleanups.push(() => second.stop());
    await second.start();
    expect(second.state.get().manifestVersion).toBe(7);
    await vi.waitFor(() => expect(playedLog(first.config.dataDir).map((p) => [p.itemId, p.outcome])).toEqual([['boot', 'finished']]), WAIT);
    broker = await startTestBroker(USERS);
  });
});

describe('without the broker', () => {
  it('keeps playing on time while the broker is down and delivers every event after reconnecting, once per sequence', async () => {
    const agent = makeAgent();
    await agent.start();
    await precache(agent, [toneA, toneB]);
    // Far enough ahead that closing the broker certainly happens first, even on a loaded machine.
    const t0 = Date.now() + 6_000;
    await ctl.sendManifest(manifest(DEVICE, 2, [mediaItem('a', toneA, t0), mediaItem('b', toneB, t0 + 1_500)]));
    await vi.waitFor(() => expect(ctl.ofType('manifest_applied')).toHaveLength(2), WAIT);
    const before = ctl.uniqueEvents;

    const { port } = broker;
    await ctl.close();
    await broker.close();
    await vi.waitFor(() => expect(agent.link.connected).toBe(false), WAIT);
    const offlineFrom = Date.now();
    await vi.waitFor(() => expect(playedLog(agent.config.dataDir).map((p) => p.outcome)).toEqual(['finished', 'finished']), WAIT);
    const offlineUntil = Date.now();

    broker = await startTestBroker(USERS, port);
    ctl = await ControllerSim.connect(broker.url, DEVICE);
    await vi.waitFor(() => expect(ctl.ofType('play_finished')).toHaveLength(2), WAIT);

    const all = [...before, ...ctl.uniqueEvents];
    const bySeq = new Map<number, string>();
    for (const e of all) {
      const seen = bySeq.get(e.seq);
      // A re-sent event is the same event: one sequence never names two different things.
      if (seen) expect(JSON.stringify(e)).toBe(seen);
      bySeq.set(e.seq, JSON.stringify(e));
    }
    const seqs = [...bySeq.keys()].sort((a, b) => a - b);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const started = ctl.ofType('play_started');
    expect(started.map((e) => e.itemId)).toEqual(['a', 'b']);
    for (const e of started) {
      expect(e.ts - e.scheduledAt!).toBeLessThan(1_000);
      expect(e.ts).toBeGreaterThan(offlineFrom);
      expect(e.ts).toBeLessThan(offlineUntil);
    }
    await vi.waitFor(() => expect(agent.playback!.outbox.ackedSeq).toBe(seqs[seqs.length - 1]), WAIT);
  });
});

describe('priority ladder', () => {
  it('interrupts a normal item at once for an emergency sent to the area, and logs both', async () => {
    const long = await makeAudio(fixtures, 6, 330);
    media.files.set(long.sha256, long.bytes);
    const agent = makeAgent();
    await agent.start();
    await precache(agent, [long]);
    await ctl.sendManifest(manifest(DEVICE, 2, [mediaItem('news', long, Date.now() + 1_500)]));
    await vi.waitFor(() => expect(ctl.ofType('play_started')).toHaveLength(1), WAIT);
    await broker.published.next(on(topics.state(DEVICE), { online: true }));

    const sentAt = Date.now();
    await ctl.command(
      {
        v: 1,
        ts: sentAt,
        id: 'cmd-em-1',
        emergencyId: 'em-1',
        op: 'play',
        params: { class: 'emergency', source: { type: 'media', sha256: toneB.sha256, url: `/api/v1/media/${toneB.sha256}` } },
        expiresAt: sentAt + 60_000,
      },
      '058',
    );
    await vi.waitFor(() => expect(ctl.ofType('play_finished')).toHaveLength(1), WAIT);

    const [interrupted] = ctl.ofType('play_interrupted');
    expect(interrupted).toMatchObject({ itemId: 'news', class: 'normal', reason: 'preempted', interruptedBy: { class: 'emergency', commandId: 'cmd-em-1' } });
    const emergency = ctl.ofType('play_started').find((e) => e.commandId === 'cmd-em-1');
    expect(emergency).toMatchObject({ class: 'emergency', emergencyId: 'em-1', sha256: toneB.sha256 });
    expect(emergency!.seq).toBeGreaterThan(interrupted!.seq);
    expect(ctl.ofType('play_finished')[0]).toMatchObject({ commandId: 'cmd-em-1', emergencyId: 'em-1' });
    expect(ctl.results('cmd-em-1')).toEqual([expect.objectContaining({ status: 'ok' })]);

    const played = playedLog(agent.config.dataDir);
    expect(played.map((p) => [p.itemId ?? p.commandId, p.outcome])).toEqual([
      ['news', 'stopped'],
      ['cmd-em-1', 'finished'],
    ]);
    // Cut short: the six-second item was heard only until the emergency.
    expect(played[0]!.endedAt - played[0]!.startedAt).toBeLessThan(5_000);
    expect(played[1]!.startedAt).toBeGreaterThanOrEqual(played[0]!.endedAt - 50);
  });

  it('refuses a lower-priority play command while an emergency plays', async () => {
    const long = await makeAudio(fixtures, 4, 330);
    media.files.set(long.sha256, long.bytes);
    const agent = makeAgent();
    await agent.start();
    await precache(agent, [long]);
    await ctl.sendManifest(manifest(DEVICE, 2, [mediaItem('warning', long, Date.now() + 1_500, 'emergency')]));
    await broker.published.next(on(topics.state(DEVICE), { online: true }));
    await vi.waitFor(() => expect(ctl.ofType('play_started')).toHaveLength(1), WAIT);
    const now = Date.now();
    const source = { type: 'media' as const, sha256: toneA.sha256, url: `/api/v1/media/${toneA.sha256}` };
    await ctl.command({ v: 1, ts: now, id: 'cmd-n', op: 'play', params: { class: 'priority', source }, expiresAt: now + 60_000 });
    await vi.waitFor(() => expect(ctl.results('cmd-n')).toHaveLength(1), WAIT);
    expect(ctl.results('cmd-n')[0]).toMatchObject({ status: 'rejected' });
    expect(agent.playback!.engine.playing?.item?.id).toBe('warning');
  });
});

describe('bad manifests and bad media', () => {
  it('rejects a malformed or nonsensical manifest with manifest_rejected and keeps playing the previous one', async () => {
    const agent = makeAgent();
    await agent.start();
    await precache(agent, [toneA]);
    // Ahead of the three bad manifests below, even on a loaded machine.
    const t0 = Date.now() + 6_000;
    await ctl.sendManifest(manifest(DEVICE, 2, [mediaItem('kept', toneA, t0)]));
    await vi.waitFor(() => expect(ctl.ofType('manifest_applied')).toHaveLength(2), WAIT);

    await ctl.sendManifest('{"v":1,"deviceId":"cluster-play-1","version":2,"items":"soon"}');
    await vi.waitFor(() => expect(ctl.ofType('manifest_rejected')).toHaveLength(1), WAIT);
    const duplicateIds = manifest(DEVICE, 3, [mediaItem('x', toneB, t0 + 500), mediaItem('x', toneB, t0 + 900)]);
    await ctl.sendManifest(duplicateIds);
    await vi.waitFor(() => expect(ctl.ofType('manifest_rejected')).toHaveLength(2), WAIT);
    const wrongHashInUrl = manifest(DEVICE, 4, [{ ...mediaItem('y', toneB, t0 + 500), source: { type: 'media', sha256: toneB.sha256, url: `/api/v1/media/${toneA.sha256}` } }]);
    await ctl.sendManifest(wrongHashInUrl);
    await vi.waitFor(() => expect(ctl.ofType('manifest_rejected')).toHaveLength(3), WAIT);

    const [malformed, duplicate, wrongUrl] = ctl.ofType('manifest_rejected');
    expect(malformed).toMatchObject({ reason: 'invalid' });
    expect(malformed!.detail).toMatch(/required property/);
    expect(duplicate).toMatchObject({ reason: 'invalid' });
    expect(duplicate!.detail).toMatch(/version 3: .*duplicate item id.*keeping version 2/);
    expect(wrongUrl!.detail).toContain('another hash');
    expect(agent.state.get().manifestVersion).toBe(2);
    expect(agent.playback!.manifests.current?.version).toBe(2);

    await vi.waitFor(() => expect(ctl.ofType('play_finished')).toHaveLength(1), WAIT);
    expect(ctl.ofType('play_started').map((e) => e.itemId)).toEqual(['kept']);
  });

  it('reports a missing file and fails the item with media_missing at its start time', async () => {
    const agent = makeAgent();
    await agent.start();
    const missing = { sha256: 'f'.repeat(64), durationMs: 1_000 };
    const startAt = Date.now() + 2_000;
    await ctl.sendManifest(manifest(DEVICE, 1, [mediaItem('ghost', missing, startAt)]));
    await vi.waitFor(() => expect(ctl.ofType('media_fetch_failed')).toHaveLength(1), WAIT);
    expect(ctl.ofType('media_fetch_failed')[0]).toMatchObject({ sha256: missing.sha256, reason: 'media_missing' });

    await vi.waitFor(() => expect(ctl.ofType('play_failed')).toHaveLength(1), WAIT);
    const [failed] = ctl.ofType('play_failed');
    expect(failed).toMatchObject({ itemId: 'ghost', reason: 'media_missing', scheduledAt: startAt });
    expect(failed!.ts).toBeGreaterThanOrEqual(startAt);
    expect(ctl.ofType('play_started')).toHaveLength(0);
    expect(playedLog(agent.config.dataDir)).toHaveLength(0);
  });

  it('never plays a downloaded file whose hash does not match: deletes it, fetches again, reports it', async () => {
    media.faults.set(toneA.sha256, (_req, res) => {
      res.setHeader('content-length', toneB.bytes.length);
      res.end(toneB.bytes); // a different file under toneA's name
      return true;
    });
    const agent = makeAgent();
    await agent.start();
    const startAt = Date.now() + 2_500;
    await ctl.sendManifest(manifest(DEVICE, 1, [mediaItem('tampered', toneA, startAt)]));
    await vi.waitFor(() => expect(ctl.ofType('play_failed')).toHaveLength(1), WAIT);

    expect(ctl.ofType('play_failed')[0]).toMatchObject({ itemId: 'tampered', reason: 'hash_mismatch' });
    const mismatches = ctl.ofType('media_fetch_failed').filter((e) => e.reason === 'hash_mismatch');
    expect(mismatches.length).toBeGreaterThanOrEqual(2);
    expect(media.requests.filter((r) => r.url.endsWith(toneA.sha256)).length).toBeGreaterThanOrEqual(2);
    expect(agent.playback!.cache.has(toneA.sha256)).toBe(false);
    expect(ctl.ofType('play_started')).toHaveLength(0);
    expect(playedLog(agent.config.dataDir)).toHaveLength(0);

    // Once the controller serves the right bytes, the next fetch verifies and keeps them.
    media.faults.clear();
    await ctl.sendManifest(manifest(DEVICE, 2, [mediaItem('fixed', toneA, Date.now() + 60_000)]));
    await vi.waitFor(() => expect(agent.playback!.cache.has(toneA.sha256)).toBe(true), WAIT);
  });
});

describe('commands', () => {
  const at = () => Date.now();

  it('answers an expired command "expired" and does not execute it', async () => {
    const agent = makeAgent();
    await startOnline(agent);
    await ctl.command({ v: 1, ts: at() - 120_000, id: 'old-volume', op: 'volume', params: { level: 5 }, expiresAt: at() - 60_000 });
    await vi.waitFor(() => expect(ctl.results('old-volume')).toHaveLength(1), WAIT);
    expect(ctl.results('old-volume')[0]).toMatchObject({ status: 'expired' });
    expect(agent.state.get().volume).toBe(70);
  });

  it('executes a command that arrives twice (area and device) once, and answers a later repeat from its log', async () => {
    const agent = makeAgent();
    await startOnline(agent);
    const cmd = {
      v: 1 as const,
      ts: at(),
      id: 'dup-1',
      op: 'play' as const,
      params: { class: 'priority' as const, source: { type: 'media' as const, sha256: toneA.sha256, url: `/api/v1/media/${toneA.sha256}` } },
      expiresAt: at() + 60_000,
    };
    await Promise.all([ctl.command(cmd, '01834'), ctl.command(cmd)]);
    await vi.waitFor(() => expect(ctl.ofType('play_finished')).toHaveLength(1), WAIT);
    await ctl.command(cmd);
    await vi.waitFor(() => expect(ctl.results('dup-1').length).toBeGreaterThanOrEqual(2), WAIT);
    expect(ctl.results('dup-1').every((r) => r.status === 'ok')).toBe(true);
    expect(ctl.ofType('play_started').filter((e) => e.commandId === 'dup-1')).toHaveLength(1);
    expect(playedLog(agent.config.dataDir)).toHaveLength(1);
  });

  it('stops what plays, sets the volume for the next playback, and switches the amplifier through the power command', async () => {
    const long = await makeAudio(fixtures, 5, 330);
    media.files.set(long.sha256, long.bytes);
    const powerLog = path.join(fixtures, 'power.log');
    const agent = makeAgent({ power: { driver: 'command', on: `echo on >> ${powerLog}`, off: `echo off >> ${powerLog}` } });
    await startOnline(agent);
    const send = (id: string, body: Record<string, unknown>) => ctl.command({ v: 1, ts: at(), id, expiresAt: at() + 60_000, ...body } as never);

    await send('vol', { op: 'volume', params: { level: 35 } });
    await send('play', { op: 'play', params: { class: 'normal', source: { type: 'media', sha256: long.sha256, url: `/api/v1/media/${long.sha256}` } } });
    await vi.waitFor(() => expect(ctl.ofType('play_started')).toHaveLength(1), WAIT);
    expect(agent.state.get()).toMatchObject({ volume: 35, power: 'on', playing: { class: 'normal', source: 'media', commandId: 'play' } });
    await send('stop', { op: 'stop', params: {} });
    await vi.waitFor(() => expect(ctl.ofType('play_interrupted')).toHaveLength(1), WAIT);
    expect(ctl.ofType('play_interrupted')[0]).toMatchObject({ commandId: 'play', reason: 'stopped', interruptedBy: { class: 'normal', commandId: 'stop' } });
    await vi.waitFor(() => expect(agent.state.get()).toMatchObject({ playing: null, power: 'off' }), WAIT);

    await send('on', { op: 'power', params: { state: 'on' } });
    await vi.waitFor(() => expect(ctl.results('on')).toHaveLength(1), WAIT);
    expect(agent.state.get().power).toBe('on');
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(powerLog, 'utf8').split('\n').filter(Boolean)).toEqual(['off', 'on', 'off', 'on']);
    for (const id of ['vol', 'play', 'stop', 'on']) expect(ctl.results(id)[0]).toMatchObject({ status: 'ok' });
  });

  it('answers restart and asks to be started again; answers sync by re-announcing its state', async () => {
    const agent = makeAgent();
    let restarts = 0;
    agent.onRestartRequested(() => restarts++);
    await startOnline(agent);
    const states = broker.published.messages.length;
    await ctl.command({ v: 1, ts: at(), id: 'sync-1', op: 'sync', params: {}, expiresAt: at() + 60_000 });
    await vi.waitFor(() => expect(ctl.results('sync-1')).toEqual([expect.objectContaining({ status: 'ok' })]), WAIT);
    expect(broker.published.messages.slice(states).some((m) => m.topic.endsWith('/state'))).toBe(true);
    await ctl.command({ v: 1, ts: at(), id: 'restart-1', op: 'restart', params: {}, expiresAt: at() + 60_000 });
    await vi.waitFor(() => expect(restarts).toBe(1), WAIT);
    expect(ctl.results('restart-1')).toEqual([expect.objectContaining({ status: 'ok' })]);
  });
});
