// Uploading real audio in the formats staff actually have (phone m4a, district mp3, mixer wav, a
// browser microphone's webm/opus without a duration header), and checking what Loa delivers:
// Opus, mono, ~24 kb/s, at the target loudness within ±1 LU (ffmpeg's ebur128), stored once.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ffmpeg, integratedLoudness, makeAudio, probe, SPEECH_LIKE, upload, waitForJob } from '../media-fixtures.js';
import { startTestSystem, type TestSystem } from '../system.js';

// Real ffmpeg jobs on a 2-core machine shared with other work: allow minutes, not seconds.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

let sys: TestSystem;
let dir: string;
let operator: { cookie: string };
beforeAll(async () => {
  sys = await startTestSystem();
  dir = mkdtempSync(path.join(os.tmpdir(), 'loa-media-'));
  operator = await sys.createUser('commune_operator', '01858');
});
afterAll(async () => {
  await sys?.close();
  rmSync(dir, { recursive: true, force: true });
});

const deliveredPath = (sha256: string) => path.join(sys.dataDir, 'media', `${sha256}.opus`);

describe('uploading bulletins', () => {
  const formats = [
    { name: 'district.mp3', args: ['-ac', '2', '-c:a', 'libmp3lame', '-b:a', '96k'], source: 'upload', seconds: 8 },
    { name: 'phone.m4a', args: ['-ac', '1', '-c:a', 'aac', '-b:a', '64k'], source: 'upload', seconds: 7 },
    { name: 'mixer.wav', args: ['-ac', '2', '-c:a', 'pcm_s16le'], source: 'upload', seconds: 6 },
  ];
  for (const f of formats) {
    it(`turns a ${path.extname(f.name)} into mono Opus at ~24 kb/s and the target loudness (±1 LU)`, async () => {
      const file = await makeAudio(dir, f.name, SPEECH_LIKE(f.seconds), f.args);
      const res = await upload(sys, file, { cookie: operator.cookie, fields: { title: `Bản tin ${f.name}`, category: 'y tế' } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ status: 'draft', source: f.source, ownerAreaCode: '01858', priorityClass: 'normal', language: 'vi', originalFilename: f.name });
      expect(res.body.job.status).toMatch(/queued|running|done/);

      const done = await waitForJob(sys, operator.cookie, res.body.id);
      expect(done.job, done.job.error).toMatchObject({ status: 'done', progress: 1 });
      expect(done.asset).toMatchObject({ codec: 'opus', channels: 1, sampleRate: 48000, format: 'opus', url: `/api/v1/media/${done.asset.sha256}` });
      expect(Math.abs(done.asset.durationMs - f.seconds * 1000)).toBeLessThan(300);

      const delivered = deliveredPath(done.asset.sha256);
      const probed = await probe(delivered);
      expect(probed).toMatchObject({ codec: 'opus', channels: 1, formatName: 'ogg' });
      expect(probed.bitRate).toBeGreaterThan(16_000);
      expect(probed.bitRate).toBeLessThan(40_000);
      expect(Math.abs((await integratedLoudness(delivered)) - -16)).toBeLessThanOrEqual(1);
      expect(Math.abs(done.asset.loudnessLufs - -16)).toBeLessThanOrEqual(1);
      // The original is kept, content-addressed.
      expect(readdirSync(path.join(sys.dataDir, 'media', 'originals'))).toContain(done.original.sha256);
    });
  }

  it('accepts a browser microphone recording (webm/Opus with no duration in its header)', async () => {
    // Written to a pipe, as MediaRecorder does: no duration, no cues.
    const out = path.join(dir, 'recording.webm');
    await ffmpeg(['-v', 'error', '-y', '-f', 'lavfi', '-i', SPEECH_LIKE(5), '-c:a', 'libopus', '-f', 'webm', '-live', '1', out]);
    const res = await upload(sys, out, { cookie: operator.cookie, fields: { title: 'Ghi âm trực tiếp', source: 'recording' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.source).toBe('recording');
    const done = await waitForJob(sys, operator.cookie, res.body.id);
    expect(done.job.status).toBe('done');
    expect(Math.abs(done.asset.durationMs - 5000)).toBeLessThan(300);
    expect(Math.abs((await integratedLoudness(deliveredPath(done.asset.sha256))) - -16)).toBeLessThanOrEqual(1);
  });

  it('brings a quiet recording and a loud one to the same loudness', async () => {
    const quiet = await makeAudio(dir, 'quiet.mp3', SPEECH_LIKE(6, 0.03), ['-c:a', 'libmp3lame']);
    const loud = await makeAudio(dir, 'loud.mp3', SPEECH_LIKE(6, 0.9), ['-c:a', 'libmp3lame']);
    const ids = await Promise.all([quiet, loud].map(async (f) => (await upload(sys, f, { cookie: operator.cookie })).body.id));
    for (const id of ids) {
      const done = await waitForJob(sys, operator.cookie, id);
      expect(done.job.status).toBe('done');
      expect(Math.abs((await integratedLoudness(deliveredPath(done.asset.sha256))) - -16)).toBeLessThanOrEqual(1);
    }
  });

  it('replaces the audio of a draft with a new upload and processes it again; an approved bulletin is locked', async () => {
    const first = await upload(sys, await makeAudio(dir, 'v1.mp3', 'sine=f=300:d=3', ['-c:a', 'libmp3lame']), { cookie: operator.cookie });
    const v1 = await waitForJob(sys, operator.cookie, first.body.id);
    const res = await upload(sys, await makeAudio(dir, 'v2.wav', 'sine=f=700:d=4'), { cookie: operator.cookie, method: 'PUT', url: `/api/v1/bulletins/${v1.id}/audio` });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.originalFilename).toBe('v2.wav');
    expect(res.body.asset).toBeNull();
    const v2 = await waitForJob(sys, operator.cookie, v1.id);
    expect(v2.job.id).toBeGreaterThan(v1.job.id);
    expect(v2.asset.sha256).not.toBe(v1.asset.sha256);
    expect(Math.abs(v2.asset.durationMs - 4000)).toBeLessThan(300);

    const approver = await sys.createUser('commune_approver', '01858');
    await sys.http('POST', `/api/v1/bulletins/${v1.id}/submit`, { cookie: operator.cookie });
    await sys.http('POST', `/api/v1/bulletins/${v1.id}/approve`, { cookie: approver.cookie });
    const locked = await upload(sys, await makeAudio(dir, 'v3.wav', 'sine=f=900:d=2'), { cookie: operator.cookie, method: 'PUT', url: `/api/v1/bulletins/${v1.id}/audio`, headers: { 'accept-language': 'en' } });
    expect([locked.status, locked.body.code]).toEqual([409, 'bulletin_locked']);
  });
});
