// The agent as a real process, killed with SIGKILL (a crash, the OOM killer, a power cut as far
// as the process can tell) during a download and during playback, then started again on the
// same data folder.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONTROLLER, removeDir, startTestBroker, type TestBroker } from '../test-support.js';
import { readJournal } from './journal.js';
import { type Audio, ControllerSim, type MediaServer, makeAudio, manifest, mediaItem, playedLog, startMediaServer } from './test-support.js';

const DEVICE = 'cluster-crash-1';
const SECRET = 'device-secret-0123456789';
const USERS = { [CONTROLLER.username]: CONTROLLER.password, [DEVICE]: SECRET };
const WAIT = { timeout: 20_000, interval: 50 };
const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'main.ts');
const RUNNER = `
import { runAgent } from ${JSON.stringify(MAIN)};
const deps = { link: { backoff: { baseMs: 50, capMs: 300 } }, playback: { fetchBackoff: { baseMs: 200, capMs: 500 }, ackTimeoutMs: 1000 } };
process.exit(await runAgent(process.argv[1], { deps }));
`;

let broker: TestBroker;
let media: MediaServer;
let ctl: ControllerSim;
let dir: string;
let configFile: string;
const children = new Set<ChildProcess>();

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'loa-crash-'));
  broker = await startTestBroker(USERS);
  media = await startMediaServer(DEVICE, SECRET);
  ctl = await ControllerSim.connect(broker.url, DEVICE);
  configFile = path.join(dir, 'agent.json');
  const config = { deviceId: DEVICE, secret: SECRET, brokerUrl: broker.url, controllerUrl: media.url, areaCodes: ['01834'], dataDir: 'data', player: 'file' };
  writeFileSync(configFile, JSON.stringify(config));
});

afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  await ctl.close();
  await media.close();
  await broker.close();
  removeDir(dir);
});

function startAgentProcess(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', RUNNER, configFile], {
    env: { ...process.env, LOA_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

const dataDir = () => path.join(dir, 'data');
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('an agent killed and started again', () => {
  it('resumes a download killed half-way from its partial file, and never plays the partial file', async () => {
    const audio: Audio = await makeAudio(dir, 20);
    media.files.set(audio.sha256, audio.bytes);
    const half = Math.floor(audio.bytes.length / 2);
    // The link stalls after half of the file.
    media.faults.set(audio.sha256, (_req, res, body) => {
      res.setHeader('content-length', body.length);
      res.write(body.subarray(0, half));
      return true;
    });
    const first = startAgentProcess();
    const startAt = Date.now() + 4_000;
    await ctl.sendManifest(manifest(DEVICE, 1, [mediaItem('early', audio, startAt)]));
    const partial = path.join(dataDir(), 'cache', 'partial', audio.sha256);
    await vi.waitFor(() => expect(statSync(partial).size).toBe(half), WAIT);
    // Its start comes while only half the file is here: it fails, it is not played from the partial file.
    await vi.waitFor(() => expect(ctl.ofType('play_failed')).toHaveLength(1), WAIT);
    expect(ctl.ofType('play_failed')[0]).toMatchObject({ itemId: 'early', reason: 'media_missing' });
    await kill(first);
    expect(existsSync(path.join(dataDir(), 'cache', audio.sha256))).toBe(false);
    expect(playedLog(dataDir())).toEqual([]);

    media.faults.clear();
    media.requests.length = 0;
    startAgentProcess();
    await vi.waitFor(() => expect(ctl.ofType('media_fetched')).toHaveLength(1), WAIT);
    expect(media.requests[0]!.range).toBe(`bytes=${half}-`);
    expect(ctl.ofType('media_fetched')[0]!.detail).toBe(`${audio.bytes.length} bytes, resumed at byte ${half}`);
    expect(readFileSync(path.join(dataDir(), 'cache', audio.sha256)).equals(audio.bytes)).toBe(true);
  });

  it('reports a playback cut by the kill as interrupted, does not replay it, and loses or repeats no event', async () => {
    const audio = await makeAudio(dir, 8);
    media.files.set(audio.sha256, audio.bytes);
    ctl.autoAck = false; // nothing committed: the outbox must carry everything across the kill
    const first = startAgentProcess();
    // First the file (however long the process takes to start), then the item that plays it.
    await ctl.sendManifest(manifest(DEVICE, 1, [mediaItem('later', audio, Date.now() + 600_000)]));
    await vi.waitFor(() => expect(ctl.ofType('media_fetched')).toHaveLength(1), WAIT);
    const startAt = Date.now() + 1_500;
    await ctl.sendManifest(manifest(DEVICE, 2, [mediaItem('cut', audio, startAt)]));
    await vi.waitFor(() => expect(ctl.ofType('play_started')).toHaveLength(1), WAIT);
    const current = (await readJournal(path.join(dataDir(), 'playlog.jsonl'))).get('current') as { pid: number };
    expect(alive(current.pid)).toBe(true);
    await kill(first);
    const beforeKill = ctl.uniqueEvents;

    startAgentProcess();
    await vi.waitFor(() => expect(ctl.ofType('play_interrupted')).toHaveLength(1), WAIT);
    // The decoder the killed agent left running was ended at the restart.
    await vi.waitFor(() => expect(alive(current.pid)).toBe(false), WAIT);
    expect(ctl.ofType('play_interrupted')[0]).toMatchObject({ itemId: 'cut', reason: 'agent_restart', scheduledAt: startAt });
    expect(ctl.ofType('play_started')).toHaveLength(1);
    expect(ctl.ofType('agent_started')).toHaveLength(2);

    // Every event from before the kill came again under the same number; numbering went on without a gap.
    const all = ctl.events;
    for (const e of beforeKill) expect(all.filter((x) => x.seq === e.seq).every((x) => JSON.stringify(x) === JSON.stringify(e))).toBe(true);
    const seqs = ctl.uniqueEvents.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(seqs.length).toBeGreaterThan(beforeKill.length);
    await ctl.ack(seqs[seqs.length - 1]!);
  });
});
