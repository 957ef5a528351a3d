// Retention through the real periodic job: files of archived bulletins go, files still in use stay
// — used by another bulletin with the same audio, or by a schedule's manifest (another source).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeAudio, SPEECH_LIKE, upload, waitForJob } from '../media-fixtures.js';
import { startTestSystem, type TestSystem } from '../system.js';

// Real ffmpeg jobs on a 2-core machine shared with other work: allow minutes, not seconds.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

let sys: TestSystem;
let dir: string;
let operator: { cookie: string };
let approver: { cookie: string };
beforeAll(async () => {
  // 0 days: an unreferenced file goes at the next run (the period itself is tested in retention.test.ts).
  sys = await startTestSystem({ LOA_MEDIA_RETENTION_DAYS: '0' });
  dir = mkdtempSync(path.join(os.tmpdir(), 'loa-ret-'));
  operator = await sys.createUser('commune_operator', '01858');
  approver = await sys.createUser('commune_approver', '01858');
});
afterAll(async () => {
  await sys?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function bulletin(file: string, status: 'approved' | 'archived'): Promise<any> {
  const created = await upload(sys, file, { cookie: operator.cookie });
  const done = await waitForJob(sys, operator.cookie, created.body.id);
  await sys.http('POST', `/api/v1/bulletins/${done.id}/submit`, { cookie: operator.cookie });
  await sys.http('POST', `/api/v1/bulletins/${done.id}/approve`, { cookie: approver.cookie });
  if (status === 'archived') await sys.http('POST', `/api/v1/bulletins/${done.id}/archive`, { cookie: operator.cookie });
  return done;
}
const delivery = (b: any) => path.join(sys.dataDir, 'media', `${b.asset.sha256}.opus`);
const original = (b: any) => path.join(sys.dataDir, 'media', 'originals', b.original.sha256);

describe('media retention job', () => {
  it('removes the files of archived bulletins and keeps every file still in use', async () => {
    const shared = await makeAudio(dir, 'shared.mp3', SPEECH_LIKE(3), ['-c:a', 'libmp3lame']);
    const kept = await bulletin(shared, 'approved');
    const sameAudioArchived = await bulletin(shared, 'archived');
    const archived = await bulletin(await makeAudio(dir, 'old.mp3', SPEECH_LIKE(3, 0.5), ['-c:a', 'libmp3lame']), 'archived');
    const inManifest = await bulletin(await makeAudio(dir, 'scheduled.mp3', SPEECH_LIKE(3, 0.6), ['-c:a', 'libmp3lame']), 'archived');
    // Scheduling registers its manifests as a source; here a stand-in that holds one file.
    sys.ctx.mediaRefs.register({ name: 'manifests', isReferenced: (sha) => sha === inManifest.asset.sha256, deviceMayFetch: () => false });

    await sys.controller.jobs.runNow('media-retention');

    expect(existsSync(delivery(kept)) && existsSync(original(kept))).toBe(true);
    expect(sameAudioArchived.asset.sha256).toBe(kept.asset.sha256);
    expect(existsSync(delivery(archived))).toBe(false);
    expect(existsSync(original(archived))).toBe(false);
    expect(existsSync(delivery(inManifest))).toBe(true);
    expect(existsSync(original(inManifest))).toBe(false);
    const view = await sys.http('GET', `/api/v1/bulletins/${archived.id}`, { cookie: operator.cookie });
    expect(view.body).toMatchObject({ status: 'archived', asset: null, original: null });
    const res = await fetch(`${sys.httpUrl}/api/v1/media/${archived.asset.sha256}`, { headers: { cookie: operator.cookie } });
    expect(res.status).toBe(404);
  });
});
