// The bulletin library as the console filters it: by language and by part of the category (any
// case), each bulletin naming the account that made it.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAudio, upload } from '../media-fixtures.js';
import { startTestSystem, type TestSystem } from '../system.js';

let sys: TestSystem;
let dir: string;
let operator: Awaited<ReturnType<TestSystem['createUser']>>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'loa-library-'));
  sys = await startTestSystem();
  operator = await sys.createUser('commune_operator', '01858', 'vanthu.thuvien');
  const audio = await makeAudio(dir, 'notice.mp3', 'sine=f=500:d=2', ['-c:a', 'libmp3lame']);
  for (const fields of [
    { title: 'Tiêm chủng', category: 'Y tế cộng đồng', language: 'vi' },
    { title: 'Mùa vụ', category: 'Nông nghiệp', language: 'tay' },
    { title: 'Phòng cháy', category: 'An ninh 100%', language: 'tay' },
  ]) {
    const res = await upload(sys, audio, { cookie: operator.cookie, fields });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
}, 60_000);
afterAll(async () => {
  await sys?.close();
  rmSync(dir, { recursive: true, force: true });
});

const titles = async (query: string) => {
  const res = await sys.http('GET', `/api/v1/bulletins?${query}`, { cookie: operator.cookie });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items.map((b: { title: string }) => b.title).sort();
};

describe('the bulletin library', () => {
  it('filters by language', async () => {
    expect(await titles('language=tay')).toEqual(['Mùa vụ', 'Phòng cháy']);
    expect(await titles('language=dao')).toEqual([]);
    expect((await sys.http('GET', '/api/v1/bulletins?language=klingon', { cookie: operator.cookie })).status).toBe(400);
  });

  it('filters by part of the category, in any case, wildcards taken literally', async () => {
    expect(await titles('category=nghi')).toEqual(['Mùa vụ']);
    expect(await titles('category=Y%20T')).toEqual(['Tiêm chủng']);
    expect(await titles('category=y%20t')).toEqual(['Tiêm chủng']);
    expect(await titles('category=100%25')).toEqual(['Phòng cháy']);
    expect(await titles('category=%25')).toEqual(['Phòng cháy']);
    expect(await titles('q=100%25')).toEqual(['Phòng cháy']);
    expect(await titles('q=_')).toEqual([]);
  });

  it('names the account that made each bulletin', async () => {
    const res = await sys.http('GET', '/api/v1/bulletins', { cookie: operator.cookie });
    expect(res.body.items.map((b: { createdByName: string }) => b.createdByName)).toEqual(['vanthu.thuvien', 'vanthu.thuvien', 'vanthu.thuvien']);
  });
});
