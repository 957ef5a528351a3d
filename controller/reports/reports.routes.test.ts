// The overview and report API against a real controller and database: figures per district,
// 30-day uptime from the daily rollups, silent stations, the legacy plan, the period report with
// technology changes, its CSV, and scope (a district or commune sees only its own area).
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../../test/system.js';

const ZONE = 'Asia/Ho_Chi_Minh';
const DAY = 86_400_000;
let sys: TestSystem;
let admin: string;
const devices: Record<string, string> = {};
let setUpAt = 0;

const sql = (text: string, ...params: unknown[]) => sys.ctx.database.sqlite.prepare(text).run(...params);
const stationOf = async (communeCode: string) => (await sys.http('GET', `/api/v1/stations?area=${communeCode}`, { cookie: admin })).body.items[0];

beforeAll(async () => {
  sys = await startTestSystem();
  admin = await sys.adminCookie();
  const now = Date.now();
  setUpAt = now;
  // Bằng Thành (01858, Pác Nặm): provisioned 40 days ago, heard from 5 minutes ago.
  devices.heard = (await sys.provision('01858', 'Nà Mò')).deviceId;
  sql('UPDATE devices SET created_at = ?, last_seen_at = ? WHERE id = ?', now - 40 * DAY, now - 5 * 60_000, devices.heard);
  // Nhạn Môn (01861, Pác Nặm): last heard two hours ago.
  devices.quiet = (await sys.provision('01861', 'Trung tâm')).deviceId;
  sql('UPDATE devices SET created_at = ?, last_seen_at = ? WHERE id = ?', now - 10 * DAY, now - 2 * 3_600_000, devices.quiet);
  // Chợ Rã (01888, Ba Bể): provisioned three hours ago, never heard from.
  devices.never = (await sys.provision('01888', 'Mới lắp')).deviceId;
  sql('UPDATE devices SET created_at = ? WHERE id = ?', now - 3 * 3_600_000, devices.never);

  // Thirty complete days of rollups for the first device: 27 days fully online, 3 days off.
  // Rows for today and for 35 days ago lie outside the window and must not count.
  const today = DateTime.fromMillis(now, { zone: ZONE }).startOf('day');
  const insert = sys.ctx.database.sqlite.prepare('INSERT INTO device_daily (device_id, day, online_s, heartbeats) VALUES (?, ?, ?, 0)');
  for (let i = 1; i <= 30; i++) insert.run(devices.heard, today.minus({ days: i }).toISODate(), i <= 3 ? 0 : 86_400);
  insert.run(devices.heard, today.toISODate(), 999);
  insert.run(devices.heard, today.minus({ days: 35 }).toISODate(), 86_400);
});
afterAll(async () => sys?.close());

describe('the overview', () => {
  it("gives every Bắc Kạn district its communes, stations by technology and the 100% target", async () => {
    const res = await sys.http('GET', '/api/v1/reports/overview', { cookie: admin });
    expect(res.status).toBe(200);
    expect(res.body.districts.map((d: { districtCode: string }) => d.districtCode)).toEqual(['058', '060', '061', '062', '063', '064', '065', '066']);
    expect(res.body.totals).toMatchObject({ communes: 108, stations: { it_telecom: 8, fm: 60, wired: 35, mixed: 0, none: 5 }, devicesTotal: 3, stationsWithDevices: 3 });
    expect(res.body.target).toMatchObject({ smartShare: 1, by: '2025-12-31' });
  });

  it('computes 30-day uptime from the daily rollups of the last 30 complete days', async () => {
    const res = await sys.http('GET', '/api/v1/reports/overview', { cookie: admin });
    const pacNam = res.body.districts.find((d: { districtCode: string }) => d.districtCode === '060');
    // Pác Nặm: the 40-day-old cluster (27 of 30 days online) and the 10-day-old one, which has
    // no rollups (offline), counted from its creation to the start of today.
    const todayStart = DateTime.fromMillis(setUpAt, { zone: ZONE }).startOf('day').toMillis();
    const expectedS = Math.floor((30 * DAY + (todayStart - (setUpAt - 10 * DAY))) / 1000);
    expect(pacNam.uptime30d.onlineS).toBe(27 * 86_400);
    expect(pacNam.uptime30d.expectedS).toBe(expectedS);
    expect(pacNam.uptime30d.ratio).toBeCloseTo((27 * 86_400) / expectedS, 6);
    const babe = res.body.districts.find((d: { districtCode: string }) => d.districtCode === '061');
    // Provisioned today: nothing to measure yet, which is not the same as 0%.
    expect(babe.uptime30d.ratio).toBeNull();
    const untouched = res.body.districts.find((d: { districtCode: string }) => d.districtCode === '058');
    expect(untouched.uptime30d).toEqual({ ratio: null, onlineS: 0, expectedS: 0 });
  });

  it('lists stations whose clusters have all been silent longer than the threshold, longest first', async () => {
    const res = await sys.http('GET', '/api/v1/reports/overview', { cookie: admin });
    expect(res.body.silentThresholdMin).toBe(60);
    expect(res.body.silent.map((s: { communeCode: string }) => s.communeCode)).toEqual(['01888', '01861']);
    expect(res.body.silent[0].lastSeenAt).toBeNull();
    expect(res.body.totals.silentStations).toBe(2);
    const shorter = await sys.http('GET', '/api/v1/reports/silent-stations?minutes=150', { cookie: admin });
    expect(shorter.body.items.map((s: { communeCode: string }) => s.communeCode)).toEqual(['01888']);
  });

  it('shows a district officer only their district and a commune operator only their commune', async () => {
    const district = await sys.createUser('district_staff', '060');
    const own = await sys.http('GET', '/api/v1/reports/overview', { cookie: district.cookie });
    expect(own.body.districts.map((d: { districtCode: string }) => d.districtCode)).toEqual(['060']);
    expect(own.body.silent.map((s: { communeCode: string }) => s.communeCode)).toEqual(['01861']);
    const outside = await sys.http('GET', '/api/v1/reports/overview?area=061', { cookie: district.cookie, headers: { 'accept-language': 'en' } });
    expect(outside.status).toBe(403);
    expect(outside.body.code).toBe('forbidden_scope');

    const operator = await sys.createUser('commune_operator', '01858');
    const commune = await sys.http('GET', '/api/v1/reports/overview', { cookie: operator.cookie });
    expect(commune.body.totals).toMatchObject({ communes: 1, devicesTotal: 1, silentStations: 0 });
    const legacy = await sys.http('GET', '/api/v1/reports/legacy', { cookie: operator.cookie });
    expect(legacy.body.stations).toEqual([]);
  });
  it('agrees with the station summary, the silent-station list and the legacy plan', async () => {
    // The overview derives these from one pass over the stations; the station summary and the
    // legacy plan count the same by queries of their own.
    sql('UPDATE devices SET online = 1 WHERE id = ?', devices.heard);
    try {
      for (const cookie of [admin, (await sys.createUser('district_staff', '060')).cookie]) {
        const overview = (await sys.http('GET', '/api/v1/reports/overview', { cookie })).body;
        const summary = (await sys.http('GET', '/api/v1/stations/summary', { cookie })).body;
        const pick = ({ districtCode, communes, stations, smartShare, devicesTotal, devicesOnline }: Record<string, unknown>) => ({ districtCode, communes, stations, smartShare, devicesTotal, devicesOnline });
        expect(overview.districts.map(pick)).toEqual(summary.districts.map(pick));
        expect(overview.totals.devicesOnline).toBe(summary.totals.devicesOnline);
        const silent = (await sys.http('GET', '/api/v1/reports/silent-stations?limit=20', { cookie })).body;
        expect(overview.silent).toEqual(silent.items);
        const legacy = (await sys.http('GET', '/api/v1/reports/legacy', { cookie })).body;
        expect(overview.legacy).toEqual(legacy.summary);
      }
      const all = (await sys.http('GET', '/api/v1/reports/overview', { cookie: admin })).body;
      expect(all.totals).toMatchObject({ devicesOnline: 1, stationsOnline: 1 });
    } finally {
      sql('UPDATE devices SET online = 0 WHERE id = ?', devices.heard);
    }
  });
});

describe('the legacy replacement plan', () => {
  it('lists every station that is not IT-telecom and counts the plan by status and year', async () => {
    const before = await sys.http('GET', '/api/v1/reports/legacy', { cookie: admin });
    expect(before.body.summary).toMatchObject({ remaining: 95, withoutStation: 5, unplanned: 95, byYear: [] });
    expect(before.body.stations).toHaveLength(100);
    const station = await stationOf('01864');
    await sys.http('PATCH', `/api/v1/stations/${station.id}`, { cookie: admin, body: { plannedReplacementYear: 2026, replacementStatus: 'planned' } });
    const after = await sys.http('GET', '/api/v1/reports/legacy?area=060', { cookie: admin });
    expect(after.body.summary.byStatus.planned).toBe(1);
    expect(after.body.summary.byYear).toEqual([{ year: 2026, count: 1 }]);
  });
});

describe('the period report', () => {
  const thisYear = () => DateTime.now().setZone(ZONE).year;

  it('shows stations by technology at the start and end of a period, with conversions made during it', async () => {
    const station = await stationOf('01867');
    expect(station.technology).toBe('wired');
    const patch = await sys.http('PATCH', `/api/v1/stations/${station.id}`, { cookie: admin, body: { technology: 'it_telecom', replacementStatus: 'replaced' } });
    expect(patch.status).toBe(200);
    const year = thisYear();
    const res = await sys.http('GET', `/api/v1/reports/period?from=${year}-01-01&to=${year}-12-31`, { cookie: admin });
    expect(res.status).toBe(200);
    expect(res.body.totals.start).toMatchObject({ it_telecom: 8, wired: 35, unrecorded: 0 });
    expect(res.body.totals.end).toMatchObject({ it_telecom: 9, wired: 34 });
    expect(res.body.totals.change).toMatchObject({ it_telecom: 1, wired: -1, fm: 0 });
    expect(res.body.totals.convertedToSmart).toBe(1);
    const pacNam = res.body.districts.find((d: { districtCode: string }) => d.districtCode === '060');
    expect(pacNam).toMatchObject({ convertedToSmart: 1, communes: 10, smartShareEnd: 0.2 });
  });

  it('reports the 2021 baseline of Decision 1655 as it was recorded', async () => {
    const res = await sys.http('GET', '/api/v1/reports/period?from=2021-01-01&to=2021-12-31', { cookie: admin });
    expect(res.body.totals.start.unrecorded).toBe(108);
    expect(res.body.totals.end).toMatchObject({ it_telecom: 8, fm: 60, wired: 35, none: 5, unrecorded: 0 });
    expect(res.body.totals.uptime.ratio).toBeNull();
  });

  it('exports CSV with a byte-order mark, headers in the reader\'s language and a total row', async () => {
    const year = thisYear();
    const vi = await fetch(`${sys.httpUrl}/api/v1/reports/period.csv?from=${year}-01-01&to=${year}-12-31`, { headers: { cookie: admin } });
    expect(vi.status).toBe(200);
    expect(vi.headers.get('content-type')).toContain('text/csv');
    expect(vi.headers.get('content-disposition')).toContain(`loa-report-06-${year}-01-01-${year}-12-31.csv`);
    const bytes = new Uint8Array(await vi.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).trim().split('\r\n');
    expect(lines[0]!.startsWith('Mã huyện,Huyện,Số xã,')).toBe(true);
    expect(lines).toHaveLength(1 + 8 + 1);
    expect(lines[2]).toContain('060,Huyện Pác Nặm,10,1,2,+1,1');
    expect(lines[9]!.startsWith(',Tổng,108,8,9,+1,1')).toBe(true);
    const en = await fetch(`${sys.httpUrl}/api/v1/reports/period.csv?from=${year}-01-01&to=${year}-12-31&area=060`, { headers: { cookie: `${admin}; lang=en` } });
    const text = await en.text();
    expect(text).toContain('District code,District,Communes,');
    expect(text.trim().split('\r\n')).toHaveLength(3);
  });

  it('refuses a period that ends before it starts, in the reader\'s language', async () => {
    const res = await sys.http('GET', '/api/v1/reports/period?from=2025-06-30&to=2025-01-01', { cookie: admin, headers: { 'accept-language': 'en' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'report_period_invalid', message: expect.stringContaining('Invalid report period') });
    const malformed = await sys.http('GET', '/api/v1/reports/period?from=yesterday&to=2025-01-01', { cookie: admin });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('validation_failed');
  });

  it('needs a signed-in reader', async () => {
    const res = await sys.http('GET', '/api/v1/reports/overview');
    expect(res.status).toBe(401);
  });
});
