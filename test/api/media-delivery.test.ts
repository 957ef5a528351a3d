// GET /api/v1/media/{sha256}: clusters download approved bulletins with their own credentials,
// resume with Range and verify the hash; staff preview inside their area; everyone else is refused.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { basicAuth, makeAudio, SPEECH_LIKE, upload, waitForJob } from '../media-fixtures.js';
import { startTestSystem, type TestSystem } from '../system.js';

// Real ffmpeg jobs on a 2-core machine shared with other work: allow minutes, not seconds.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

let sys: TestSystem;
let dir: string;
let operator: { cookie: string };
let approved: any;
let draft: any;
let device: { deviceId: string; secret: string };
let farDevice: { deviceId: string; secret: string };
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  sys = await startTestSystem();
  dir = mkdtempSync(path.join(os.tmpdir(), 'loa-deliver-'));
  operator = await sys.createUser('commune_operator', '01858');
  const approver = await sys.createUser('commune_approver', '01858');
  const a = await upload(sys, await makeAudio(dir, 'a.mp3', SPEECH_LIKE(6), ['-c:a', 'libmp3lame']), { cookie: operator.cookie, fields: { title: 'Lịch tiêm chủng' } });
  const d = await upload(sys, await makeAudio(dir, 'd.mp3', SPEECH_LIKE(3, 0.4), ['-c:a', 'libmp3lame']), { cookie: operator.cookie, fields: { title: 'Bản nháp' } });
  await waitForJob(sys, operator.cookie, a.body.id);
  draft = await waitForJob(sys, operator.cookie, d.body.id);
  expect((await sys.http('POST', `/api/v1/bulletins/${a.body.id}/submit`, { cookie: operator.cookie })).status).toBe(200);
  const res = await sys.http('POST', `/api/v1/bulletins/${a.body.id}/approve`, { cookie: approver.cookie, body: { reason: 'Đúng nội dung' } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  approved = res.body;
  device = await sys.provision('01858');
  farDevice = await sys.provision('02155'); // another district
});
afterAll(async () => {
  await sys?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (sha: string, headers: Record<string, string> = {}, method = 'GET') => fetch(`${sys.httpUrl}/api/v1/media/${sha}`, { method, headers });

describe('media delivery to clusters', () => {
  it('serves an approved bulletin to a cluster of its commune, with the headers a cache needs', async () => {
    const res = await get(approved.asset.sha256, { authorization: basicAuth(device.deviceId, device.secret) });
    expect(res.status).toBe(200);
    const body = new Uint8Array(await res.arrayBuffer());
    expect(sha256(body)).toBe(approved.asset.sha256);
    expect(Object.fromEntries(['content-type', 'content-length', 'etag', 'cache-control', 'accept-ranges'].map((h) => [h, res.headers.get(h)]))).toEqual({
      'content-type': 'audio/ogg',
      'content-length': String(approved.asset.sizeBytes),
      etag: `"${approved.asset.sha256}"`,
      'cache-control': 'public, max-age=31536000, immutable',
      'accept-ranges': 'bytes',
    });
  });

  it('resumes an interrupted download with Range, and the whole file verifies', async () => {
    const auth = { authorization: basicAuth(device.deviceId, device.secret) };
    // Read part of the file, then drop the connection, as a 4G link does.
    const first = await get(approved.asset.sha256, auth);
    const reader = first.body!.getReader();
    const { value } = await reader.read();
    await reader.cancel();
    const head = value!.slice(0, Math.min(value!.length, Math.floor(approved.asset.sizeBytes / 2)));
    const rest = await get(approved.asset.sha256, { ...auth, range: `bytes=${head.length}-` });
    expect(rest.status).toBe(206);
    expect(rest.headers.get('content-range')).toBe(`bytes ${head.length}-${approved.asset.sizeBytes - 1}/${approved.asset.sizeBytes}`);
    expect(rest.headers.get('content-length')).toBe(String(approved.asset.sizeBytes - head.length));
    const tail = new Uint8Array(await rest.arrayBuffer());
    expect(sha256(Buffer.concat([head, tail]))).toBe(approved.asset.sha256);
    // A closed range too.
    const middle = await get(approved.asset.sha256, { ...auth, range: 'bytes=10-19' });
    expect(middle.status).toBe(206);
    expect((await middle.arrayBuffer()).byteLength).toBe(10);
  });

  it('answers 304 to a cluster that already has the file', async () => {
    const res = await get(approved.asset.sha256, { authorization: basicAuth(device.deviceId, device.secret), 'if-none-match': `"${approved.asset.sha256}"` });
    expect(res.status).toBe(304);
    expect(res.headers.get('etag')).toBe(`"${approved.asset.sha256}"`);
  });

  it('answers 416 with the size to a malformed or unsatisfiable Range', async () => {
    const auth = { authorization: basicAuth(device.deviceId, device.secret), 'accept-language': 'en' };
    for (const range of [`bytes=${approved.asset.sizeBytes}-`, 'bytes=500-100', 'bytes=abc', 'bytes=0-1,5-9', 'pages=1-2']) {
      const res = await get(approved.asset.sha256, { ...auth, range });
      expect(res.status, range).toBe(416);
      expect(res.headers.get('content-range')).toBe(`bytes */${approved.asset.sizeBytes}`);
      expect(((await res.json()) as { code: string }).code).toBe('range_not_satisfiable');
    }
  });

  it('answers HEAD with the length and no body', async () => {
    const res = await get(approved.asset.sha256, { authorization: basicAuth(device.deviceId, device.secret) }, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(approved.asset.sizeBytes));
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it('refuses a cluster a file it may not have: another district, a draft, an original, an unknown hash', async () => {
    const en = { 'accept-language': 'en' };
    const far = await get(approved.asset.sha256, { ...en, authorization: basicAuth(farDevice.deviceId, farDevice.secret) });
    expect(far.status).toBe(403);
    expect(((await far.json()) as { code: string }).code).toBe('media_not_allowed');
    const auth = { ...en, authorization: basicAuth(device.deviceId, device.secret) };
    for (const sha of [draft.asset.sha256, approved.original.sha256, 'f'.repeat(64)]) {
      const res = await get(sha, auth);
      expect(res.status, sha).toBe(403);
    }
  });

  it('lets a registered reference source allow a file, and answers 404 when an allowed file is gone', async () => {
    const gone = 'a'.repeat(64);
    sys.ctx.mediaRefs.register({
      name: 'test-manifests',
      isReferenced: () => false,
      deviceMayFetch: (deviceId, sha) => deviceId === farDevice.deviceId && (sha === draft.asset.sha256 || sha === gone),
    });
    const auth = { 'accept-language': 'en', authorization: basicAuth(farDevice.deviceId, farDevice.secret) };
    expect((await get(draft.asset.sha256, auth)).status).toBe(200);
    const missing = await get(gone, auth);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('media_not_found');
  });

  it('refuses a request without a session or credentials, and wrong device credentials', async () => {
    const none = await get(approved.asset.sha256);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic /);
    const wrong = await get(approved.asset.sha256, { authorization: basicAuth(device.deviceId, 'not-the-secret') });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { code: string }).code).toBe('device_auth_required');
    const garbage = await get(approved.asset.sha256, { authorization: 'Basic %%%' });
    expect(garbage.status).toBe(401);
    const badHash = await get('not-a-hash', { authorization: basicAuth(device.deviceId, device.secret) });
    expect(badHash.status).toBe(400);
  });

  it('lets staff preview delivery files and originals inside their area only', async () => {
    const own = await get(approved.asset.sha256, { cookie: operator.cookie });
    expect(own.status).toBe(200);
    expect(sha256(new Uint8Array(await own.arrayBuffer()))).toBe(approved.asset.sha256);
    const original = await get(approved.original.sha256, { cookie: operator.cookie });
    expect(original.status).toBe(200);
    expect(original.headers.get('content-type')).toBe('audio/mpeg');
    const district = await sys.createUser('district_staff', '060');
    expect((await get(approved.asset.sha256, { cookie: district.cookie })).status).toBe(200);
    const stranger = await sys.createUser('commune_operator', '02155');
    const refused = await get(approved.asset.sha256, { cookie: stranger.cookie, 'accept-language': 'en' });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('forbidden_scope');
    expect((await get('e'.repeat(64), { cookie: operator.cookie })).status).toBe(404);
  });
});
