// The processing progress of a bulletin: a percentage from ffmpeg's -progress on the bulletin
// itself, and as a server-sent event stream that ends when the job does.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeAudio, upload } from '../media-fixtures.js';
import { startTestSystem, type TestSystem } from '../system.js';

// Real ffmpeg jobs on a 2-core machine shared with other work: allow minutes, not seconds.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

let sys: TestSystem;
let dir: string;
let operator: { cookie: string };
beforeAll(async () => {
  sys = await startTestSystem();
  dir = mkdtempSync(path.join(os.tmpdir(), 'loa-progress-'));
  operator = await sys.createUser('commune_operator', '01858');
});
afterAll(async () => {
  await sys?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Reads a text/event-stream to its end. */
async function readEvents(res: Response): Promise<Array<{ event: string; data: any }>> {
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event:'))
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      return { event: eventLine!.slice('event: '.length), data: JSON.parse(dataLine!.slice('data: '.length)) };
    });
}

describe('processing progress', () => {
  it('streams progress events while the job runs and ends with done', async () => {
    const file = await makeAudio(dir, 'programme.mp3', 'sine=f=400:d=30', ['-c:a', 'libmp3lame', '-b:a', '32k']);
    const created = await upload(sys, file, { cookie: operator.cookie });
    expect(created.status).toBe(201);
    const res = await fetch(`${sys.httpUrl}/api/v1/bulletins/${created.body.id}/progress`, { headers: { cookie: operator.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = await readEvents(res);
    const last = events.at(-1)!;
    expect(last.event).toBe('done');
    expect(last.data).toMatchObject({ bulletinId: created.body.id, status: 'done', progress: 1 });
    expect(last.data.assetSha256).toMatch(/^[0-9a-f]{64}$/);
    const running = events.filter((e) => e.event === 'progress' && e.data.status === 'running').map((e) => e.data.progress);
    expect(running.some((p) => p > 0 && p < 1)).toBe(true);
    for (let i = 1; i < running.length; i++) expect(running[i]).toBeGreaterThanOrEqual(running[i - 1]!);
    const bulletin = await sys.http('GET', `/api/v1/bulletins/${created.body.id}`, { cookie: operator.cookie });
    expect(bulletin.body.job).toMatchObject({ status: 'done', progress: 1, attempts: 1 });
  });

  it('answers a finished job with one event and ends at once', async () => {
    const file = await makeAudio(dir, 'short.mp3', 'sine=f=600:d=2', ['-c:a', 'libmp3lame']);
    const created = await upload(sys, file, { cookie: operator.cookie });
    await fetch(`${sys.httpUrl}/api/v1/bulletins/${created.body.id}/progress`, { headers: { cookie: operator.cookie } }).then((r) => r.text());
    const again = await fetch(`${sys.httpUrl}/api/v1/bulletins/${created.body.id}/progress`, { headers: { cookie: operator.cookie } });
    const events = await readEvents(again);
    expect(events.map((e) => e.event)).toEqual(['done']);
  });

  it('is refused outside the caller’s area', async () => {
    const file = await makeAudio(dir, 'mine.mp3', 'sine=f=600:d=2', ['-c:a', 'libmp3lame']);
    const created = await upload(sys, file, { cookie: operator.cookie });
    const stranger = await sys.createUser('commune_operator', '01861');
    const res = await fetch(`${sys.httpUrl}/api/v1/bulletins/${created.body.id}/progress`, { headers: { cookie: stranger.cookie } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('forbidden_scope');
  });
});
