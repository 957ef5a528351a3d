// GET /bulletins?usable=true — the pickers' list: approved bulletins with a delivery file that the
// reader may put on air, their own unit's, those of units inside it and of units above it (a
// district's programme for its communes). It must offer exactly what scheduling accepts: every
// seeded bulletin is also tried in a real schedule by the same account.
import { unlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localAt, seedBulletin } from '../broadcast-support.js';
import { startTestSystem, type TestSystem } from '../system.js';

let sys: TestSystem;
let seeded: Record<string, number>;
let commune: { cookie: string };
let district: { cookie: string };

beforeAll(async () => {
  sys = await startTestSystem();
  commune = await sys.createUser('commune_operator', '01858');
  district = await sys.createUser('district_staff', '060');
  const seed = async (title: string, options: Parameters<typeof seedBulletin>[1]) => (await seedBulletin(sys, { title, ...options })).id;
  seeded = {
    ownCommune: await seed('Xã Bằng Thành', { ownerAreaCode: '01858' }),
    ownDistrict: await seed('Huyện Pác Nặm', { ownerAreaCode: '060' }),
    province: await seed('Tỉnh Bắc Kạn', { ownerAreaCode: '06' }),
    otherDistrict: await seed('Thành phố Bắc Kạn', { ownerAreaCode: '058' }),
    neighbourCommune: await seed('Xã Nhạn Môn', { ownerAreaCode: '01861' }),
    districtDraft: await seed('Huyện Pác Nặm (nháp)', { ownerAreaCode: '060', status: 'draft' }),
    districtSubmitted: await seed('Huyện Pác Nặm (chờ duyệt)', { ownerAreaCode: '060', status: 'submitted' }),
    districtNoAudio: await seed('Huyện Pác Nặm (chưa có âm thanh)', { ownerAreaCode: '060', ready: false }),
  };
  // Approved, but its delivery file has gone from disk: scheduling refuses it, so must the picker.
  const gone = await seedBulletin(sys, { title: 'Huyện Pác Nặm (mất tệp)', ownerAreaCode: '060' });
  unlinkSync(sys.ctx.media.store.deliveryPath(gone.sha256, 'opus'));
  seeded.districtFileGone = gone.id;
}, 60_000);
afterAll(async () => {
  await sys?.close();
});

const nameOf = (id: number) => Object.entries(seeded).find(([, v]) => v === id)?.[0];

async function offered(cookie: string, query = 'usable=true&limit=200'): Promise<string[]> {
  const res = await sys.http('GET', `/api/v1/bulletins?${query}`, { cookie });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.total).toBe(res.body.items.length);
  return (res.body.items as { id: number }[]).map((b) => nameOf(b.id)!).sort();
}

/** Which seeded bulletins a schedule of this account for `area` accepts (one airing each, an hour apart). */
async function schedulable(cookie: string, area: string): Promise<string[]> {
  const accepted: string[] = [];
  let hour = 6;
  for (const [name, id] of Object.entries(seeded)) {
    const at = localAt(3, `${String(hour++).padStart(2, '0')}:00`);
    const res = await sys.http('POST', '/api/v1/schedules', { cookie, body: { title: name, timing: { kind: 'once', at }, bulletinIds: [id], targets: { areas: [area] } } });
    if (res.status === 201) accepted.push(name);
    else expect([403, 409], JSON.stringify(res.body)).toContain(res.status);
  }
  return accepted.sort();
}

describe('bulletins a reader may put on air (usable=true)', () => {
  it("offers a commune its own, its district's and the province's approved bulletins — not another district's nor a neighbour commune's", async () => {
    expect(await offered(commune.cookie)).toEqual(['ownCommune', 'ownDistrict', 'province']);
    // Without the option the list stays the reader's own area.
    expect(await offered(commune.cookie, 'status=approved&limit=200')).toEqual(['ownCommune']);
  });

  it('offers a district its own, its communes\' and the province\'s, not another district\'s', async () => {
    expect(await offered(district.cookie)).toEqual(['neighbourCommune', 'ownCommune', 'ownDistrict', 'province']);
  });

  it('offers exactly what scheduling accepts', async () => {
    expect(await schedulable(commune.cookie, '01858')).toEqual(await offered(commune.cookie));
    expect(await schedulable(district.cookie, '01861')).toEqual(await offered(district.cookie));
  });

  it('still filters by title and pages', async () => {
    expect(await offered(commune.cookie, `usable=true&q=${encodeURIComponent('Pác Nặm')}`)).toEqual(['ownDistrict']);
    const page = await sys.http('GET', '/api/v1/bulletins?usable=true&limit=1', { cookie: commune.cookie });
    expect(page.body).toMatchObject({ total: 3 });
    expect(page.body.items).toHaveLength(1);
  });
});
