// Text-to-speech bulletins: espeak-ng's Vietnamese voice offline, a commercial service over HTTP
// (played here by a local server), and a clear answer naming the Debian package when espeak-ng
// is missing. The spoken audio goes through the same normalisation as an upload.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { integratedLoudness, makeAudio, waitForJob } from '../media-fixtures.js';
import { startTestSystem, type TestSystem } from '../system.js';

// Real ffmpeg jobs on a 2-core machine shared with other work: allow minutes, not seconds.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

const TEXT = 'Thông báo của Ủy ban nhân dân xã Bằng Thành. Sáng mai, từ bảy giờ, trạm y tế xã tổ chức tiêm chủng cho trẻ em dưới năm tuổi. Đề nghị các gia đình đưa trẻ đến đúng giờ.';
const en = { 'accept-language': 'en' };
let dir: string;
const systems: TestSystem[] = [];
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'loa-tts-'));
});
afterEach(async () => {
  for (const s of systems.splice(0)) await s.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function system(env: Record<string, string> = {}) {
  const sys = await startTestSystem(env);
  systems.push(sys);
  return { sys, cookie: (await sys.createUser('commune_operator', '01858')).cookie };
}

describe('text-to-speech bulletins', () => {
  it('speaks Vietnamese text with espeak-ng and normalises it like an upload', async () => {
    const { sys, cookie } = await system();
    const res = await sys.http('POST', '/api/v1/bulletins/tts', { cookie, body: { title: 'Tiêm chủng', text: TEXT, category: 'y tế' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ source: 'tts', text: TEXT, ttsVoice: 'espeak-ng:vi', status: 'draft', language: 'vi' });
    const done = await waitForJob(sys, cookie, res.body.id);
    expect(done.job.status, done.job.error).toBe('done');
    expect(done.asset.durationMs).toBeGreaterThan(5000);
    const delivered = path.join(sys.dataDir, 'media', `${done.asset.sha256}.opus`);
    expect(Math.abs((await integratedLoudness(delivered)) - -16)).toBeLessThanOrEqual(1);
  });

  it('reads a text that starts with a dash aloud instead of taking it for an option', async () => {
    const { sys, cookie } = await system();
    const res = await sys.http('POST', '/api/v1/bulletins/tts', { cookie, body: { title: 'Gạch đầu dòng', text: '--help -w /tmp/x.wav' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('names an unknown voice', async () => {
    const { sys, cookie } = await system();
    const res = await sys.http('POST', '/api/v1/bulletins/tts', { cookie, body: { title: 'x', text: 'xin chào', voice: 'nosuchvoice' }, headers: en });
    expect([res.status, res.body.code]).toEqual([400, 'tts_voice_unknown']);
  });

  it('says which Debian package to install when espeak-ng is missing', async () => {
    const { sys, cookie } = await system({ LOA_TTS_ESPEAK_PATH: path.join(dir, 'no-such-espeak-ng') });
    const res = await sys.http('POST', '/api/v1/bulletins/tts', { cookie, body: { title: 'x', text: 'xin chào' }, headers: en });
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('tts_unavailable');
    expect(res.body.message).toContain('install the Debian package "espeak-ng"');
    const vi = await sys.http('POST', '/api/v1/bulletins/tts', { cookie, body: { title: 'x', text: 'xin chào' } });
    expect(vi.body.message).toContain('cài gói Debian "espeak-ng"');
  });
});

describe('an HTTP text-to-speech service', () => {
  let server: http.Server;
  let requests: Array<{ url: string; auth: string | undefined; body: any }>;
  let wav: Buffer;
  let polls = 0;
  beforeAll(async () => {
    wav = readFileSync(await makeAudio(dir, 'spoken.wav', "sine=f=220:d=4,volume='0.5+0.4*sin(2*PI*3*t)':eval=frame"));
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => {
        requests.push({ url: req.url ?? '', auth: req.headers.authorization, body: raw ? JSON.parse(raw) : null });
        if (req.url === '/direct') return res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav);
        if (req.url === '/async') return res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ audioUrl: '/files/1.wav' }));
        if (req.url === '/files/1.wav') {
          // Published a moment after the answer, as several commercial services do.
          if (polls++ < 2) return res.writeHead(404).end();
          return res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav);
        }
        if (req.url === '/broken') return res.writeHead(500, { 'content-type': 'text/plain' }).end('quota exceeded');
        res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = (p: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${p}`;

  it('posts the text with the token and takes the audio it answers with', async () => {
    requests = [];
    const { sys, cookie } = await system({ LOA_TTS_PROVIDER: 'http', LOA_TTS_HTTP_URL: url('/direct'), LOA_TTS_HTTP_TOKEN: 'tts-secret', LOA_TTS_VOICE: 'banmai' });
    const res = await sys.http('POST', '/api/v1/bulletins/tts', { cookie, body: { title: 'Dịch vụ', text: 'Xin chào bà con', language: 'tay' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.ttsVoice).toBe('http:banmai');
    expect(requests[0]).toEqual({ url: '/direct', auth: 'Bearer tts-secret', body: { text: 'Xin chào bà con', voice: 'banmai', language: 'tay', format: 'wav' } });
    expect((await waitForJob(sys, cookie, res.body.id)).job.status).toBe('done');
  });

  it('follows an audioUrl answer, waiting while the file is not published yet', async () => {
    requests = [];
    polls = 0;
    const { sys, cookie } = await system({ LOA_TTS_PROVIDER: 'http', LOA_TTS_HTTP_URL: url('/async') });
    const res = await sys.http('POST', '/api/v1/bulletins/tts', { cookie, body: { title: 'Không đồng bộ', text: 'Xin chào' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(requests.map((r) => r.url)).toEqual(['/async', '/files/1.wav', '/files/1.wav', '/files/1.wav']);
  });

  it('reports the service’s error as a 502', async () => {
    const { sys, cookie } = await system({ LOA_TTS_PROVIDER: 'http', LOA_TTS_HTTP_URL: url('/broken') });
    const res = await sys.http('POST', '/api/v1/bulletins/tts', { cookie, body: { title: 'x', text: 'x' }, headers: en });
    expect([res.status, res.body.code]).toEqual([502, 'tts_failed']);
    expect(res.body.message).toContain('quota exceeded');
  });
});
