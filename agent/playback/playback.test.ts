// Playback end to end inside one agent: a real Aedes broker, a controller on MQTT (ControllerSim),
// a real HTTP media server, real ffmpeg decoding tiny lavfi tones with the `file` player.
import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Agent, type AgentDeps } from '../agent.js';
import type { AgentConfig } from '../config.js';
import { CONTROLLER, removeDir, startTestBroker, type TestBroker, testAgentConfig } from '../test-support.js';
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
    const t0 = Date.now() + 2_000;
    await ctl.sendManifest(manifest(DEVICE, 1, [mediaItem('a', toneA, t0), mediaItem('b', toneB, t0 + 1_500)]));

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
    expect(ctl.ofType('manifest_applied')).toHaveLength(1);
    expect(agent.state.get()).toMatchObject({ manifestVersion: 1, volume: 80, playing: null });

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
  });
});
