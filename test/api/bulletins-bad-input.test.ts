// Bad uploads, each made for real by ffmpeg (or by hand where ffmpeg cannot make it that bad):
// every one is refused with a 4xx that says what is wrong, in Vietnamese and English, and leaves
// nothing behind on disk.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ffmpeg, makeAudio, SPEECH_LIKE, upload, waitForJob } from '../media-fixtures.js';
import { startTestSystem, type TestSystem } from '../system.js';

// Real ffmpeg jobs on a 2-core machine shared with other work: allow minutes, not seconds.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

let sys: TestSystem;
let dir: string;
let operator: { cookie: string };
const MAX_UPLOAD_MB = 1;
const MAX_DURATION_S = 20;

beforeAll(async () => {
  sys = await startTestSystem({ LOA_MEDIA_MAX_UPLOAD_MB: String(MAX_UPLOAD_MB), LOA_MEDIA_MAX_DURATION_S: String(MAX_DURATION_S) });
  dir = mkdtempSync(path.join(os.tmpdir(), 'loa-bad-'));
  operator = await sys.createUser('commune_operator', '01858');
});
afterAll(async () => {
  await sys?.close();
  rmSync(dir, { recursive: true, force: true });
});

const media = (...parts: string[]) => path.join(sys.dataDir, 'media', ...parts);
const list = (folder: string) => {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
};
const bulletinCount = () => (sys.ctx.database.sqlite.prepare('SELECT COUNT(*) AS n FROM bulletins').get() as { n: number }).n;

/** Uploads, expects a refusal, and checks that nothing was kept. */
async function refused(file: string, status: number, code: string, lang = 'en', filename?: string) {
  const before = { bulletins: bulletinCount(), originals: list(media('originals')).length };
  const res = await upload(sys, file, { cookie: operator.cookie, headers: { 'accept-language': lang }, filename });
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.code).toBe(code);
  expect(bulletinCount()).toBe(before.bulletins);
  expect(list(media('originals'))).toHaveLength(before.originals);
  await expect.poll(() => list(media('tmp'))).toEqual([]);
  return res.body.message as string;
}

describe('bad uploads', () => {
  it('refuses a text file renamed to .mp3 as not audio', async () => {
    const file = path.join(dir, 'notice.mp3');
    writeFileSync(file, 'Kính gửi bà con: đây là văn bản, không phải âm thanh.\n'.repeat(50));
    const message = await refused(file, 415, 'media_not_audio');
    expect(message).toContain('not an audio file');
    expect(message).toContain('notice.mp3');
  });

  it('refuses an image with an audio extension: it has no audio stream', async () => {
    const png = path.join(dir, 'poster.png');
    await ffmpeg(['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=1', '-frames:v', '1', png]);
    const file = path.join(dir, 'poster.mp3');
    writeFileSync(file, readFileSync(png));
    expect(await refused(file, 415, 'media_no_audio_stream')).toContain('has no audio stream');
  });

  it('refuses a video without sound, naming what it holds (vi and en)', async () => {
    const file = path.join(dir, 'silent-video.mp4');
    await ffmpeg(['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:duration=3', '-c:v', 'mpeg4', file]);
    expect(await refused(file, 415, 'media_no_audio_stream', 'vi')).toMatch(/không có luồng âm thanh.*video \(mpeg4\)/);
    expect(await refused(file, 415, 'media_no_audio_stream', 'en')).toMatch(/has no audio stream.*video \(mpeg4\)/);
  });

  it('refuses a truncated mp3 and says where it is cut short', async () => {
    const file = await makeAudio(dir, 'cut.mp3', 'sine=f=440:d=12', ['-c:a', 'libmp3lame', '-b:a', '64k']);
    truncateSync(file, Math.floor(statSync(file).size * 0.4));
    const message = await refused(file, 422, 'media_truncated');
    expect(message).toMatch(/cut short at 00:0[3-5] \(its header says 00:12\)/);
    expect(await refused(file, 422, 'media_truncated', 'vi')).toMatch(/bị cắt cụt tại 00:0[3-5]/);
  });

  it('refuses a zero-byte file', async () => {
    const file = path.join(dir, 'empty.wav');
    writeFileSync(file, '');
    expect(await refused(file, 400, 'media_empty')).toBe('The file "empty.wav" is empty (0 bytes).');
  });

  it('refuses audio over the duration cap, by its header and by decoding when it has none', async () => {
    const long = await makeAudio(dir, 'long.mp3', `sine=f=300:d=${MAX_DURATION_S + 5}`, ['-c:a', 'libmp3lame', '-b:a', '16k']);
    expect(await refused(long, 422, 'media_too_long')).toBe(`The file "long.mp3" lasts 00:25, over the 00:${MAX_DURATION_S} limit.`);
    // A live webm recording carries no duration: only decoding finds out.
    const live = path.join(dir, 'live.webm');
    await ffmpeg(['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=f=300:d=${MAX_DURATION_S + 5}`, '-c:a', 'libopus', '-b:a', '16k', '-f', 'webm', '-live', '1', live]);
    expect(await refused(live, 422, 'media_too_long')).toContain('over the 00:20 limit');
  });

  it('refuses a file over the size cap from its declared length, before reading it', async () => {
    const big = await makeAudio(dir, 'big.wav', 'sine=f=300:d=40', ['-ar', '44100', '-ac', '2']);
    expect(statSync(big).size).toBeGreaterThan(MAX_UPLOAD_MB * 1_048_576 * 3);
    const before = bulletinCount();
    const res = await upload(sys, big, { cookie: operator.cookie, headers: { 'accept-language': 'en' } });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'media_too_large', message: 'The file is larger than the 1 MB limit; the upload was stopped.' });
    expect(bulletinCount()).toBe(before);
    await expect.poll(() => list(media('tmp'))).toEqual([]);
  });

  it('stops reading a streamed upload at the size cap and keeps no partial file', async () => {
    // Chunked, with no Content-Length: the server only learns the size by reading.
    const boundary = 'loa-test-boundary';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nQuá lớn\r\n--${boundary}\r\nContent-Disposition: form-data; name="audio"; filename="huge.wav"\r\nContent-Type: audio/wav\r\n\r\n`);
    const chunk = Buffer.alloc(64 * 1024, 7);
    const totalChunks = 400; // 25 MB offered
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled === 0) controller.enqueue(head);
        if (pulled++ >= totalChunks) controller.close();
        else controller.enqueue(chunk);
      },
    });
    let status = 0;
    let code = '';
    try {
      const res = await fetch(`${sys.httpUrl}/api/v1/bulletins`, {
        method: 'POST',
        body,
        duplex: 'half',
        headers: { cookie: operator.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
      } as RequestInit);
      status = res.status;
      code = ((await res.json()) as { code: string }).code;
    } catch {
      // The server may close the connection while we are still sending: that is the point.
      status = 413;
      code = 'media_too_large';
    }
    expect([status, code]).toEqual([413, 'media_too_large']);
    expect(pulled).toBeLessThan(totalChunks);
    await expect.poll(() => list(media('tmp'))).toEqual([]);
    expect(list(media('originals'))).not.toContain(expect.stringMatching(/upload/));
  });

  it('never uses the client file name as a path', async () => {
    const file = await makeAudio(dir, 'ok.mp3', SPEECH_LIKE(3), ['-c:a', 'libmp3lame']);
    for (const evil of ['../../../../etc/cron.d/loa.mp3', '..\\..\\windows\\system.ini', '/tmp/absolute.mp3', '\u0000..\u0001.mp3']) {
      const res = await upload(sys, file, { cookie: operator.cookie, filename: evil });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const name: string = res.body.originalFilename;
      expect(name).not.toMatch(/[/\\]|^\./);
      expect([...name].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
      expect(res.body.original.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(list('/etc/cron.d')).not.toContain('loa.mp3');
    expect(list(media('originals')).every((n) => /^[0-9a-f]{64}$/.test(n))).toBe(true);
  });

  it('stores the same content uploaded concurrently once, and gives every bulletin the same delivery file', async () => {
    const file = await makeAudio(dir, 'same.mp3', SPEECH_LIKE(4), ['-c:a', 'libmp3lame']);
    const results = await Promise.all([1, 2, 3].map((n) => upload(sys, file, { cookie: operator.cookie, fields: { title: `Cùng nội dung ${n}` } })));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
    const originals = new Set(results.map((r) => r.body.original.sha256));
    expect(originals.size).toBe(1);
    const done = await Promise.all(results.map((r) => waitForJob(sys, operator.cookie, r.body.id)));
    expect(done.map((d) => d.job.status)).toEqual(['done', 'done', 'done']);
    const assets = new Set(done.map((d) => d.asset.sha256));
    expect(assets.size).toBe(1);
    const [asset] = [...assets];
    expect(list(media()).filter((n) => n.startsWith(asset!))).toEqual([`${asset}.opus`]);
    expect(list(media('originals')).filter((n) => originals.has(n))).toHaveLength(1);
    await expect.poll(() => list(media('tmp'))).toEqual([]);
  });

  it('refuses a JSON body pretending to carry a file', async () => {
    const res = await sys.http('POST', '/api/v1/bulletins', {
      cookie: operator.cookie,
      headers: { 'accept-language': 'en' },
      body: { title: 'x', audio: '/etc/passwd' },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('media_file_missing');
  });

  it('refuses an upload from someone not signed in before reading the file', async () => {
    const file = await makeAudio(dir, 'anon.mp3', SPEECH_LIKE(2), ['-c:a', 'libmp3lame']);
    const res = await upload(sys, file);
    expect(res.status).toBe(401);
    await expect.poll(() => list(media('tmp'))).toEqual([]);
  });
});
