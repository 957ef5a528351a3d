// The registry and device API: Bắc Kạn's stations, the per-district summary, provisioning and
// its bad inputs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceCredentials } from '../../controller/devices/credentials.js';
import { DeviceService } from '../../controller/devices/devices.service.js';
import { hashSecret, verifySecret } from '../../controller/security/secret-hash.js';
import { startTestSystem, type TestSystem } from '../system.js';

let sys: TestSystem;
let admin: string;
beforeAll(async () => {
  sys = await startTestSystem();
  admin = await sys.adminCookie();
});
afterAll(async () => sys?.close());

describe('registry', () => {
  it('lists the province, its 8 districts and 108 communes', async () => {
    const units = await sys.http('GET', '/api/v1/admin-units', { cookie: admin });
    const byLevel = (level: string) => units.body.filter((u: { level: string }) => u.level === level).length;
    expect([byLevel('province'), byLevel('district'), byLevel('commune')]).toEqual([1, 8, 108]);
    const children = await sys.http('GET', '/api/v1/admin-units?parent=060', { cookie: admin });
    expect(children.body).toHaveLength(10);
  });

  it("summarises stations per district with Decision 1655's totals", async () => {
    const res = await sys.http('GET', '/api/v1/stations/summary', { cookie: admin });
    expect(res.status).toBe(200);
    expect(res.body.districts).toHaveLength(8);
    expect(res.body.totals).toMatchObject({ communes: 108, stations: { fm: 60, wired: 35, it_telecom: 8, none: 5, mixed: 0 } });
    expect(res.body.totals.smartShare).toBeCloseTo(8 / 108, 5);
    const city = res.body.districts.find((d: { districtCode: string }) => d.districtCode === '058');
    expect(city.districtName).toBe('Thành phố Bắc Kạn');
    expect(city.stations.none).toBe(4);
  });

  it('filters stations by technology and area', async () => {
    const fm = await sys.http('GET', '/api/v1/stations?technology=fm&limit=200', { cookie: admin });
    expect(fm.body.total).toBe(60);
    const none = await sys.http('GET', '/api/v1/stations?technology=none&area=066', { cookie: admin });
    expect(none.body.items.map((s: { communeCode: string }) => s.communeCode)).toEqual(['02155']);
  });

  it('records a technology change and shows it in the station history', async () => {
    const station = (await sys.http('GET', '/api/v1/stations?q=Nh%E1%BA%A1n%20M%C3%B4n', { cookie: admin })).body.items[0];
    const res = await sys.http('PATCH', `/api/v1/stations/${station.id}`, { cookie: admin, body: { technology: 'it_telecom', replacementStatus: 'replaced' } });
    expect(res.status).toBe(200);
    const detail = await sys.http('GET', `/api/v1/stations/${station.id}`, { cookie: admin });
    expect(detail.body.technologyHistory.map((h: { toTechnology: string }) => h.toTechnology)).toEqual([station.technology, 'it_telecom']);
  });

  it('rejects malformed query strings with a 400 naming the field', async () => {
    const res = await sys.http('GET', '/api/v1/stations?technology=laser', { cookie: admin, headers: { 'accept-language': 'en' } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.message).toContain('technology');
    const limit = await sys.http('GET', '/api/v1/stations?limit=-3', { cookie: admin });
    expect(limit.status).toBe(400);
  });
});

describe('provisioning', () => {
  it('returns the secret once, stores only its hash, and gives a ready agent config', async () => {
    const res = await sys.http('POST', '/api/v1/devices', { cookie: admin, body: { communeCode: '01858', name: 'Cụm loa UBND', lat: 22.33, lon: 105.73 } });
    expect(res.status).toBe(201);
    const { device, secret, agentConfig } = res.body;
    expect(device.id).toMatch(/^dev-[0-9a-z]{10}$/);
    expect(agentConfig).toMatchObject({ deviceId: device.id, secret, areaCodes: ['01858', '060', '06'] });
    const stored = sys.ctx.database.sqlite.prepare('SELECT secret_hash FROM devices WHERE id = ?').get(device.id) as { secret_hash: string };
    // A 256-bit random secret: sha256 (docs/security.md), not the slow hash of people's passwords.
    expect(stored.secret_hash).toMatch(/^sha256\$[0-9a-f]{64}$/);
    expect(stored.secret_hash).not.toContain(secret);
    expect(await verifySecret(secret, stored.secret_hash)).toBe(true);
    const again = await sys.http('GET', `/api/v1/devices/${device.id}`, { cookie: admin });
    expect(JSON.stringify(again.body)).not.toContain(secret);
  });

  it('rotates a secret: the old one stops working at once', async () => {
    const device = await sys.provision('01861');
    expect(await sys.ctx.credentials.verify(device.deviceId, device.secret)).not.toBeNull();
    const res = await sys.http('POST', `/api/v1/devices/${device.deviceId}/rotate-secret`, { cookie: admin });
    expect(res.status).toBe(200);
    expect(await sys.ctx.credentials.verify(device.deviceId, device.secret)).toBeNull();
    expect(await sys.ctx.credentials.verify(device.deviceId, res.body.secret)).not.toBeNull();
  });

  it('refuses at once a secret rotated, or a device disabled, by another process (the command line on the server)', async () => {
    // `loa device rotate-secret` writes the database from its own process; the server had the old
    // secret's check remembered and kept accepting it until restarted.
    const device = await sys.provision('01861');
    expect(await sys.ctx.credentials.verify(device.deviceId, device.secret)).toMatchObject({ deviceId: device.deviceId });
    const cli = new DeviceService(sys.ctx.database, sys.ctx.units, new DeviceCredentials(sys.ctx.database, sys.ctx.units), sys.ctx.config);
    const rotated = await cli.rotateSecret(device.deviceId);
    expect(await sys.ctx.credentials.verify(device.deviceId, device.secret)).toBeNull();
    expect(await sys.ctx.credentials.verify(device.deviceId, rotated.secret)).toMatchObject({ deviceId: device.deviceId });

    sys.ctx.database.sqlite.prepare('UPDATE devices SET disabled = 1 WHERE id = ?').run(device.deviceId);
    expect(await sys.ctx.credentials.verify(device.deviceId, rotated.secret)).toBeNull();
    sys.ctx.database.sqlite.prepare('UPDATE devices SET disabled = 0 WHERE id = ?').run(device.deviceId);
    expect(await sys.ctx.credentials.verify(device.deviceId, rotated.secret)).toMatchObject({ areaCodes: ['01861', '060', '06'] });
  });

  it('still accepts a secret stored by the older scrypt scheme, and rehashes it on first use', async () => {
    const device = await sys.provision('01861');
    const sqlite = sys.ctx.database.sqlite;
    sqlite.prepare('UPDATE devices SET secret_hash = ? WHERE id = ?').run(await hashSecret(device.secret, 'machine'), device.deviceId);
    expect(await sys.ctx.credentials.verify(device.deviceId, 'wrong-secret')).toBeNull();
    expect((sqlite.prepare('SELECT secret_hash FROM devices WHERE id = ?').pluck().get(device.deviceId) as string).startsWith('scrypt$')).toBe(true);
    expect(await sys.ctx.credentials.verify(device.deviceId, device.secret)).not.toBeNull();
    const upgraded = sqlite.prepare('SELECT secret_hash FROM devices WHERE id = ?').pluck().get(device.deviceId) as string;
    expect(upgraded).toMatch(/^sha256\$/);
    sys.ctx.credentials.forget(device.deviceId);
    expect(await sys.ctx.credentials.verify(device.deviceId, device.secret)).not.toBeNull();
    expect(await sys.ctx.credentials.verify(device.deviceId, 'wrong-secret')).toBeNull();
  });

  it('refuses a duplicate name in the same station but allows it elsewhere', async () => {
    expect((await sys.http('POST', '/api/v1/devices', { cookie: admin, body: { communeCode: '01864', name: 'Cụm A' } })).status).toBe(201);
    const dup = await sys.http('POST', '/api/v1/devices', { cookie: admin, body: { communeCode: '01864', name: 'Cụm A' } });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('duplicate_device_name');
    expect((await sys.http('POST', '/api/v1/devices', { cookie: admin, body: { communeCode: '01867', name: 'Cụm A' } })).status).toBe(201);
  });

  it('refuses an unknown commune code and a district code where a commune is needed', async () => {
    const unknown = await sys.http('POST', '/api/v1/devices', { cookie: admin, body: { communeCode: '99999' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('unknown_admin_unit');
    const district = await sys.http('POST', '/api/v1/devices', { cookie: admin, body: { communeCode: '060' } });
    expect(district.status).toBe(400);
    expect(district.body.code).toBe('validation_failed');
    const notJson = await sys.http('POST', '/api/v1/devices', { cookie: admin, body: 'communeCode=01858', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
  });

  it('audits provisioning and rotation with the target commune', async () => {
    const audit = await sys.http('GET', '/api/v1/audit?action=device.&limit=100', { cookie: admin });
    const actions = new Set(audit.body.items.map((e: { action: string }) => e.action));
    expect(actions).toEqual(new Set(['device.provision', 'device.rotate_secret']));
    expect(audit.body.items.every((e: { areaCode: string; outcome: string }) => /^\d{5}$/.test(e.areaCode) && e.outcome === 'ok')).toBe(true);
  });
});
