// The permission matrix across roles and scopes, through the real HTTP API, including targets
// named by id in the URL. Bắc Kạn codes: district 060 (Pác Nặm) holds communes 01858 and 01861;
// commune 01849 lies in district 058 (Bắc Kạn city).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../controller/db/schema/accounts.js';
import { startTestSystem, type TestSystem } from '../system.js';

let sys: TestSystem;
const cookies = {} as Record<Role, string>;
let inDistrict: string; // device in 01858 (district 060)
let otherDistrict: string; // device in 01849 (district 058)
let stationInDistrict: number;

beforeAll(async () => {
  sys = await startTestSystem();
  cookies.province_admin = await sys.adminCookie();
  cookies.district_staff = (await sys.createUser('district_staff', '060')).cookie;
  cookies.commune_operator = (await sys.createUser('commune_operator', '01858')).cookie;
  cookies.commune_approver = (await sys.createUser('commune_approver', '01858')).cookie;
  cookies.viewer = (await sys.createUser('viewer', '060')).cookie;
  inDistrict = (await sys.provision('01858', 'Cụm thôn Nà Mò')).deviceId;
  otherDistrict = (await sys.provision('01849', 'Cụm chợ')).deviceId;
  const stations = await sys.http('GET', '/api/v1/stations?q=B%E1%BA%B1ng%20Th%C3%A0nh', { cookie: cookies.province_admin });
  stationInDistrict = stations.body.items[0].id;
}, 60_000);
afterAll(async () => sys?.close());

type Row = [string, () => [string, string, unknown?], Record<Role, number>];
const all = (n: number): Record<Role, number> => ({ province_admin: n, district_staff: n, commune_operator: n, commune_approver: n, viewer: n });

const matrix: Row[] = [
  ['read a device of my area by id', () => ['GET', `/api/v1/devices/${inDistrict}`], all(200)],
  ['read a device of another district by id', () => ['GET', `/api/v1/devices/${otherDistrict}`], { ...all(403), province_admin: 200 }],
  ['provision in my district', () => ['POST', '/api/v1/devices', { communeCode: '01861' }], { ...all(403), province_admin: 201, district_staff: 201 }],
  ['provision in another district', () => ['POST', '/api/v1/devices', { communeCode: '01852' }], { ...all(403), province_admin: 201 }],
  ['rotate a secret in my district', () => ['POST', `/api/v1/devices/${inDistrict}/rotate-secret`], { ...all(403), province_admin: 200, district_staff: 200 }],
  ['rotate a secret in another district', () => ['POST', `/api/v1/devices/${otherDistrict}/rotate-secret`], { ...all(403), province_admin: 200 }],
  ['edit a station (province only)', () => ['PATCH', `/api/v1/stations/${stationInDistrict}`, { plannedReplacementYear: 2026 }], { ...all(403), province_admin: 200 }],
  ['list accounts', () => ['GET', '/api/v1/users'], { ...all(403), province_admin: 200 }],
  ['read the audit log', () => ['GET', '/api/v1/audit'], { ...all(403), province_admin: 200, district_staff: 200 }],
  ['list stations of the whole province by area filter', () => ['GET', '/api/v1/stations?area=06'], { ...all(403), province_admin: 200 }],
  ['list stations of district 060 by area filter', () => ['GET', '/api/v1/stations?area=060'], { ...all(200), commune_operator: 403, commune_approver: 403 }],
  ['create an account', () => ['POST', '/api/v1/users', { username: `u${Math.random().toString(36).slice(2, 8)}`, displayName: 'X', password: 'Mot-mat-khau-dai-2026', role: 'viewer', scopeCode: '060' }], { ...all(403), province_admin: 201 }],
];

describe('permission matrix', () => {
  for (const [what, request, expected] of matrix) {
    for (const role of Object.keys(expected) as Role[]) {
      it(`${role}: ${what} → ${expected[role]}`, async () => {
        const [method, url, body] = request();
        const res = await sys.http(method, url, { cookie: cookies[role], body });
        expect(res.status, JSON.stringify(res.body)).toBe(expected[role]);
        if (res.status === 403) expect(['forbidden_role', 'forbidden_scope']).toContain(res.body.code);
      });
    }
  }

  it('filters lists to the caller\'s area instead of refusing them', async () => {
    const count = async (role: Role) => (await sys.http('GET', '/api/v1/stations?limit=500', { cookie: cookies[role] })).body.total;
    expect(await count('province_admin')).toBe(108);
    expect(await count('district_staff')).toBe(10);
    expect(await count('viewer')).toBe(10);
    expect(await count('commune_operator')).toBe(1);
    const devices = await sys.http('GET', '/api/v1/devices', { cookie: cookies.district_staff });
    expect(devices.body.items.map((d: { communeCode: string }) => d.communeCode).every((c: string) => c === '01858' || c === '01861')).toBe(true);
    expect(devices.body.items.some((d: { id: string }) => d.id === otherDistrict)).toBe(false);
  });

  it('says why in the reader\'s language', async () => {
    const res = await sys.http('GET', `/api/v1/devices/${otherDistrict}`, { cookie: cookies.district_staff, headers: { 'accept-language': 'en' } });
    expect(res.body.code).toBe('forbidden_scope');
    expect(res.body.message).toContain('outside your area');
    expect(res.body.message).toContain('Huyện Pác Nặm');
  });

  it('audits a refused control action as refused, with who, where from and what', async () => {
    const res = await sys.http('POST', `/api/v1/devices/${otherDistrict}/rotate-secret`, { cookie: cookies.district_staff });
    expect(res.status).toBe(403);
    const audit = await sys.http('GET', '/api/v1/audit?action=device.rotate_secret&outcome=denied', { cookie: cookies.province_admin });
    const entry = audit.body.items.find((e: any) => e.targetId === otherDistrict);
    expect(entry).toMatchObject({ actorType: 'user', outcome: 'denied', areaCode: '01849', ip: '127.0.0.1' });
    expect(entry.detail.reason).toBe('outside_scope');
  });

  it('keeps each district\'s audit entries to itself', async () => {
    const audit = await sys.http('GET', '/api/v1/audit?limit=1000', { cookie: cookies.district_staff });
    expect(audit.status).toBe(200);
    expect(audit.body.items.length).toBeGreaterThan(0);
    const inside = new Set(['060', ...sys.ctx.units.communesWithin('060').map((u) => u.code)]);
    expect(audit.body.items.every((e: { areaCode: string }) => inside.has(e.areaCode))).toBe(true);
  });

  it('refuses privilege escalation: nobody edits their own role, scope or status', async () => {
    const viewer = await sys.createUser('viewer', '060');
    const self = await sys.http('PATCH', `/api/v1/users/${viewer.id}`, { cookie: viewer.cookie, body: { role: 'province_admin' } });
    expect(self.status).toBe(403);
    const adminId = (await sys.http('GET', '/api/v1/auth/me', { cookie: cookies.province_admin })).body.id;
    const own = await sys.http('PATCH', `/api/v1/users/${adminId}`, { cookie: cookies.province_admin, body: { role: 'viewer' } });
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('cannot_change_own_account');
  });

  it('keeps the audit log append-only even for the database connection itself', () => {
    expect(() => sys.ctx.database.sqlite.prepare('UPDATE audit_log SET outcome = ?').run('ok')).toThrow(/append-only/);
    expect(() => sys.ctx.database.sqlite.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
  });
});
