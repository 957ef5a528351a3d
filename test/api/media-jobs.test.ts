// The transcode worker when things go wrong: ffmpeg crashing in the middle of a job (the job
// fails with ffmpeg's own words, no half file is ever stored or served), and the controller
// stopping mid-job (ffmpeg is killed, the job goes back to the queue and finishes at the next start).
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bin, makeAudio, SPEECH_LIKE, upload, waitForJob } from '../media-fixtures.js';
import { startTestSystem, type TestSystem } from '../system.js';

// Real ffmpeg jobs on a 2-core machine shared with other work: allow minutes, not seconds.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

const dirs: string[] = [];
const systems: TestSystem[] = [];
afterEach(async () => {
  for (const s of systems.splice(0)) await s.close().catch(() => {});
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'loa-jobs-'));
  dirs.push(d);
  return d;
};
const list = (folder: string) => {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
};

/** ffmpeg children of this test process (the controller runs in it), from /proc. */
function ffmpegChildren(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && /ffmpeg/.test(comm)) pids.push(Number(name));
    } catch {}
  }
  return pids;
}

describe('transcode jobs that go wrong', () => {
  it('fails the job with ffmpeg’s error when ffmpeg crashes mid-encode, and stores no half file', async () => {
    const dir = tempDir();
    // A stand-in ffmpeg: the real one for every run except the encode, which writes part of a
    // file, complains and dies of a segmentation fault.
    const fake = path.join(dir, 'ffmpeg-that-crashes');
    writeFileSync(
      fake,
      `#!/bin/bash
case "$*" in
  *libopus*)
    out="\${@: -1}"
    printf 'OggS half a file' > "$out"
    echo "[libopus @ 0x55d0c0ffee00] simulated encoder fault in frame 412" >&2
    kill -SEGV $$ ;;
esac
exec "${bin.ffmpeg}" "$@"
`,
    );
    chmodSync(fake, 0o755);
    const sys = await startTestSystem({ FFMPEG_PATH: fake });
    systems.push(sys);
    const operator = await sys.createUser('commune_operator', '01858');
    const file = await makeAudio(dir, 'notice.mp3', SPEECH_LIKE(4), ['-c:a', 'libmp3lame']);
    const res = await upload(sys, file, { cookie: operator.cookie });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const done = await waitForJob(sys, operator.cookie, res.body.id);
    expect(done.job.status).toBe('failed');
    expect(done.job.error).toContain('SIGSEGV');
    expect(done.job.error).toContain('simulated encoder fault in frame 412');
    expect(done.job.error).not.toContain(sys.dataDir);
    expect(done.asset).toBeNull();
    const media = path.join(sys.dataDir, 'media');
    expect(list(media).filter((n) => /\.(opus|mp3)$/.test(n))).toEqual([]);
    expect(list(path.join(media, 'tmp'))).toEqual([]);
    expect((sys.ctx.database.sqlite.prepare('SELECT COUNT(*) AS n FROM media_assets').get() as { n: number }).n).toBe(0);
    // It cannot be submitted for approval: there is nothing to listen to.
    const submit = await sys.http('POST', `/api/v1/bulletins/${res.body.id}/submit`, { cookie: operator.cookie, headers: { 'accept-language': 'en' } });
    expect(submit.status).toBe(409);
    expect(submit.body.code).toBe('bulletin_audio_not_ready');
    expect(submit.body.message).toContain('SIGSEGV');
    // Running it again fails the same way (still the broken binary), as a new attempt.
    const retry = await sys.http('POST', `/api/v1/bulletins/${res.body.id}/transcode`, { cookie: operator.cookie });
    expect(retry.status).toBe(202);
    const again = await waitForJob(sys, operator.cookie, res.body.id);
    expect(again.job.id).toBeGreaterThan(done.job.id);
    expect(again.job.status).toBe('failed');
  });

  it('kills running ffmpeg when the controller stops, requeues the job and finishes it at the next start', async () => {
    const dir = tempDir();
    const dataDir = tempDir();
    const env = { LOA_DATA_DIR: dataDir };
    const first = await startTestSystem(env);
    // Ninety seconds of audio: long enough to be caught mid-job.
    const file = await makeAudio(dir, 'programme.wav', 'sine=f=300:d=90:sample_rate=8000', ['-ac', '1']);
    const admin = await first.adminCookie();
    const res = await upload(first, file, { cookie: admin });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await vi.waitFor(() => expect(ffmpegChildren().length).toBeGreaterThan(0), { timeout: 20_000, interval: 50 });
    const running = ffmpegChildren();

    await first.controller.stop();
    await first.broker.stop();
    for (const pid of running) expect(() => process.kill(pid, 0)).toThrow();
    expect(list(path.join(dataDir, 'media', 'tmp'))).toEqual([]);
    const db = new Database(path.join(dataDir, 'loa.sqlite'), { readonly: true });
    const job = db.prepare('SELECT status, attempts FROM transcode_jobs WHERE bulletin_id = ?').get(res.body.id) as { status: string; attempts: number };
    db.close();
    expect(job).toEqual({ status: 'queued', attempts: 1 });

    const second = await startTestSystem(env);
    systems.push(second);
    const finished = await waitForJob(second, await second.adminCookie(), res.body.id, 300_000);
    expect(finished.job).toMatchObject({ status: 'done', attempts: 2 });
    expect(Math.abs(finished.asset.durationMs - 90_000)).toBeLessThan(500);
  }, 400_000);
});
