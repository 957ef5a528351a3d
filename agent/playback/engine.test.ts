// The engine with a scripted player (no ffmpeg, no broker): when decoders are prepared and
// released, how items wait and are skipped, and what the amplifier does.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../platform/logger.js';
import type { DeviceEvent, ManifestItem } from '../../shared/payloads.js';
import { systemClock } from '../clock.js';
import { DeviceState } from '../device-state.js';
import { Engine } from './engine.js';
import type { EventSink } from './events.js';
import { MediaCache } from './media-cache.js';
import type { NewEvent } from './outbox.js';
import type { PlayEnd, Player, PreparedPlayback } from './players/player.js';
import { Playlog } from './playlog.js';
import { Amplifier } from './power.js';
import { type Entry, scheduledEntry } from './timeline.js';

const SHA = 'c'.repeat(64);
let dir: string;
let engine: Engine;
let events: DeviceEvent[];
let log: string[];
let state: DeviceState;

/** A player whose playbacks last `ms` and which notes prepare/start/stop with their time. */
function scriptedPlayer(ms: number): Player {
  return {
    async prepare(request) {
      log.push(`prepare ${request.key} ${Date.now()}`);
      let end!: (e: PlayEnd) => void;
      const ended = new Promise<PlayEnd>((r) => (end = r));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const playback: PreparedPlayback = {
        start() {
          log.push(`start ${request.key} ${Date.now()}`);
          timer = setTimeout(() => end({ outcome: 'finished' }), ms);
        },
        async stop() {
          clearTimeout(timer);
          log.push(`stop ${request.key}`);
          end({ outcome: 'stopped' });
        },
        ended,
        pid: undefined,
      };
      return playback;
    },
  };
}

async function makeEngine(playMs: number, graceMs = 30_000): Promise<Engine> {
  const cache = new MediaCache(dir, silentLogger);
  await cache.open();
  writeFileSync(cache.pathOf(SHA), 'audio');
  await cache.open();
  const sink: EventSink = {
    emit: async (e: NewEvent) => {
      log.push(`event ${e.type}`);
      const event = { ...e, seq: events.length + 1, ts: e.ts ?? Date.now() } as DeviceEvent;
      events.push(event);
      return event;
    },
  };
  const amplifier = new Amplifier({ set: async (s) => void log.push(`power ${s}`) }, state, silentLogger, () => undefined);
  engine = new Engine({
    player: scriptedPlayer(playMs),
    cache,
    fetcher: { fetchNow: async () => undefined, lastFailure: () => undefined },
    events: sink,
    state,
    amplifier,
    playlog: new Playlog(dir, silentLogger),
    clock: systemClock,
    log: silentLogger,
    powerLeadMs: () => 0,
    graceMs,
  });
  await engine.start();
  return engine;
}

const item = (id: string, startAt: number, cls: ManifestItem['class'] = 'normal'): ManifestItem => ({
  id,
  occurrenceId: `o-${id}`,
  startAt,
  durationMs: 300,
  class: cls,
  source: { type: 'media', sha256: SHA, url: `/api/v1/media/${SHA}` },
});
const types = () => events.map((e) => `${e.type}:${e.itemId}${e.reason ? `:${e.reason}` : ''}`);

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'loa-engine-'));
  events = [];
  log = [];
  state = new DeviceState();
});
afterEach(async () => {
  await engine.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Engine', () => {
  it("starts the commands that arrived in the same turn before any of them records its start (agents sharing a process)", async () => {
    // The simulator runs thousands of agents in one process: each one's journal and play_started
    // must not hold up the next one's start. Two engines get a command in back-to-back callbacks
    // of one turn, as two sockets' data would arrive.
    const first = await makeEngine(5_000);
    const second = await makeEngine(5_000);
    try {
      const command = (id: string, startAt = Date.now()): Entry => ({
        key: `cmd:${id}`,
        kind: 'command',
        commandId: id,
        class: 'emergency',
        source: { type: 'stream', url: 'http://127.0.0.1:9/live' },
        rank: 3,
        startAt,
      });
      const results = Promise.all([
        new Promise((resolve) => setImmediate(() => resolve(first.playNow(command('x'))))),
        new Promise((resolve) => setImmediate(() => resolve(second.playNow(command('y'))))),
      ]);
      expect(await results).toEqual([{ status: 'ok' }, { status: 'ok' }]);
      const order = log.filter((l) => l.startsWith('start') || l.startsWith('event')).map((l) => l.split(' ').slice(0, 2).join(' '));
      expect(order).toEqual(['start x', 'start y', 'event play_started', 'event play_started']);
      expect(events.map((e) => e.commandId)).toEqual(['x', 'y']);
    } finally {
      await first.stop();
    }
  });

  it('prepares the decoder ahead and releases it at the start instant, reporting that instant', async () => {
    await makeEngine(200);
    const startAt = Date.now() + 2_500;
    await engine.setSchedule([scheduledEntry(item('a', startAt))]);
    await vi.waitFor(() => expect(types()).toEqual(['play_started:a', 'play_finished:a']), { timeout: 10_000 });
    const prepared = Number(log.find((l) => l.startsWith('prepare a'))!.split(' ')[2]);
    const started = Number(log.find((l) => l.startsWith('start a'))!.split(' ')[2]);
    expect(prepared).toBeLessThan(startAt);
    expect(started).toBeGreaterThanOrEqual(startAt);
    expect(events[0]).toMatchObject({ scheduledAt: startAt });
    expect(events[0]!.ts).toBeGreaterThanOrEqual(started);
    expect(events[0]!.ts - started).toBeLessThan(50);
    expect(log.filter((l) => l.startsWith('power'))).toEqual(['power on', 'power off']);
    expect(state.get().power).toBe('off');
  });

  it('lets an item due while an equal rank plays wait, and starts it late when the speaker frees', async () => {
    await makeEngine(600);
    const t0 = Date.now() + 300;
    await engine.setSchedule([scheduledEntry(item('first', t0)), scheduledEntry(item('second', t0 + 200))]);
    await vi.waitFor(() => expect(types()).toHaveLength(4), { timeout: 10_000 });
    expect(types()).toEqual(['play_started:first', 'play_finished:first', 'play_started:second', 'play_finished:second']);
    expect(events[2]!.ts - events[2]!.scheduledAt!).toBeGreaterThanOrEqual(350);
  });

  it('skips an item kept waiting past its grace period as superseded, and never plays it', async () => {
    await makeEngine(1_000, 200);
    const t0 = Date.now() + 300;
    await engine.setSchedule([scheduledEntry(item('long', t0, 'priority')), scheduledEntry(item('normal', t0 + 100))]);
    await vi.waitFor(() => expect(types()).toContain('play_finished:long'), { timeout: 10_000 });
    expect(types()).toEqual(['play_started:long', 'play_skipped:normal:superseded', 'play_finished:long']);
    expect(log.filter((l) => l.startsWith('start'))).toHaveLength(1);
  });

  it('does not play an item again when a new manifest repeats it', async () => {
    await makeEngine(100);
    const a = item('a', Date.now() + 200);
    await engine.setSchedule([scheduledEntry(a)]);
    await vi.waitFor(() => expect(types()).toEqual(['play_started:a', 'play_finished:a']), { timeout: 10_000 });
    await engine.setSchedule([scheduledEntry({ ...a, id: 'renamed-in-v2' })]);
    await new Promise((r) => setTimeout(r, 200));
    expect(types()).toEqual(['play_started:a', 'play_finished:a']);
  });
});
