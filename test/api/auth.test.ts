// Sign-in, sessions, tokens and their bad inputs, through the real HTTP API.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestSystem, type TestSystem } from '../system.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => sys?.close());

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie and answers who I am', async () => {
    const res = await fetch(`${sys.httpUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ADMIN', password: ADMIN_PASSWORD }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^loa_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const me = await sys.http('GET', '/api/v1/auth/me', { cookie: cookie.split(';')[0] });
    expect(me.body).toMatchObject({ username: 'admin', role: 'province_admin', scopeCode: '06', via: 'session' });
  });

  it('refuses a wrong password and an unknown user with the same message, in Vietnamese by default', async () => {
    const wrong = await sys.http('POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'not-the-password' } });
    const unknown = await sys.http('POST', '/api/v1/auth/login', { body: { username: 'nobody', password: 'whatever-it-is' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_credentials');
    expect(unknown.body.message).toBe(wrong.body.message);
    expect(wrong.body.message).toBe('Sai tên đăng nhập hoặc mật khẩu.');
    const en = await sys.http('POST', '/api/v1/auth/login', { body: { username: 'nobody', password: 'x' }, headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(en.body.message).toBe('Wrong username or password.');
  });

  it('refuses a disabled account and ends its sessions at once', async () => {
    const user = await sys.createUser('viewer', '06');
    const admin = await sys.adminCookie();
    expect((await sys.http('GET', '/api/v1/auth/me', { cookie: user.cookie })).status).toBe(200);
    const patch = await sys.http('PATCH', `/api/v1/users/${user.id}`, { cookie: admin, body: { active: false } });
    expect(patch.status).toBe(200);
    expect((await sys.http('GET', '/api/v1/auth/me', { cookie: user.cookie })).status).toBe(401);
    const login = await sys.http('POST', '/api/v1/auth/login', { body: { username: user.username, password: user.password } });
    expect(login.status).toBe(403);
    expect(login.body.code).toBe('account_disabled');
  });

  it('refuses a forged session cookie and reports an expired one as expired', async () => {
    const forged = await sys.http('GET', '/api/v1/auth/me', { cookie: 'loa_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('unauthenticated');
    const cookie = await sys.login('admin', ADMIN_PASSWORD);
    const hash = createHash('sha256').update(cookie.split('=')[1]!).digest('hex');
    sys.ctx.database.sqlite.prepare('UPDATE sessions SET expires_at = 1 WHERE id_hash = ?').run(hash);
    const expired = await sys.http('GET', '/api/v1/auth/me', { cookie });
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('session_expired');
  });

  it('signs out: the cookie stops working', async () => {
    const cookie = await sys.login('admin', ADMIN_PASSWORD);
    expect((await sys.http('POST', '/api/v1/auth/logout', { cookie })).status).toBe(204);
    expect((await sys.http('GET', '/api/v1/auth/me', { cookie })).status).toBe(401);
  });

  it('rejects malformed and oversized login bodies with a clear 4xx', async () => {
    const malformed = await sys.http('POST', '/api/v1/auth/login', { body: '{"username": "admin", ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('malformed_json');
    const missing = await sys.http('POST', '/api/v1/auth/login', { body: { username: 'admin' } });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('validation_failed');
    expect(missing.body.message).toContain('thiếu trường bắt buộc "password"');
    const huge = await sys.http('POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'x'.repeat(10_000) } });
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('body_too_large');
  });

  it('locks an account after a burst of failed sign-ins, even for the right password, and audits it', async () => {
    const user = await sys.createUser('viewer', '06');
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      codes.push((await sys.http('POST', '/api/v1/auth/login', { body: { username: user.username, password: `wrong-${i}` } })).status);
    }
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes[5]).toBe(429);
    const right = await sys.http('POST', '/api/v1/auth/login', { body: { username: user.username, password: user.password } });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    const audit = await sys.http('GET', '/api/v1/audit?action=auth.login&outcome=denied&limit=50', { cookie: await sys.adminCookie() });
    const reasons = audit.body.items.filter((e: any) => e.actorName === user.username).map((e: any) => e.detail.reason);
    expect(reasons).toContain('wrong_password');
    expect(reasons).toContain('throttled');
    // The password is never written to the audit log.
    expect(JSON.stringify(audit.body)).not.toContain(user.password);
  });
});

describe('API tokens', () => {
  it('work as a bearer token until revoked, and never exceed the owner', async () => {
    const staff = await sys.createUser('district_staff', '060');
    const created = await sys.http('POST', '/api/v1/tokens', { cookie: staff.cookie, body: { name: 'upstream source system' } });
    expect(created.status).toBe(201);
    const auth = { authorization: `Bearer ${created.body.token}` };
    const me = await sys.http('GET', '/api/v1/auth/me', { headers: auth });
    expect(me.body).toMatchObject({ role: 'district_staff', scopeCode: '060', via: 'token' });
    const stored = sys.ctx.database.sqlite.prepare('SELECT token_hash FROM api_tokens WHERE id = ?').get(created.body.view.id) as { token_hash: string };
    expect(created.body.token).not.toContain(stored.token_hash);
    const wider = await sys.http('POST', '/api/v1/tokens', { cookie: staff.cookie, body: { name: 'wider', scopeCode: '06' } });
    expect(wider.status).toBe(403);
    const higher = await sys.http('POST', '/api/v1/tokens', { cookie: staff.cookie, body: { name: 'higher', role: 'province_admin' } });
    expect(higher.status).toBe(403);
    expect((await sys.http('DELETE', `/api/v1/tokens/${created.body.view.id}`, { cookie: staff.cookie })).status).toBe(204);
    const after = await sys.http('GET', '/api/v1/auth/me', { headers: auth });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('token_invalid');
  });
});

describe('errors', () => {
  it('answers unknown routes with a 404 in the error format', async () => {
    const res = await sys.http('GET', '/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'route_not_found' });
    expect(res.body.reqId).toBeTruthy();
  });

  it('refuses a cookie-authenticated change from another origin', async () => {
    const res = await sys.http('POST', '/api/v1/devices', {
      cookie: await sys.adminCookie(),
      headers: { origin: 'http://evil.example' },
      body: { communeCode: '01858' },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('csrf_rejected');
  });
});
