// Approval before air (Circular 39; provincial rules: what a commune produces is approved by the
// commune People's Committee leadership): draft → submitted → approved | rejected → archived, who
// may approve which bulletin, every step audited with who and why, and what scheduling may air.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getPlayableBulletin } from '../../controller/bulletins/playable.js';
import { AppError } from '../../controller/errors.js';
import { makeAudio, upload, waitForJob } from '../media-fixtures.js';
import { startTestSystem, type TestSystem } from '../system.js';

// Real ffmpeg jobs on a 2-core machine shared with other work: allow minutes, not seconds.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

type User = Awaited<ReturnType<TestSystem['createUser']>>;
let sys: TestSystem;
let dir: string;
let audio: string;
let operator: User;
let approver: User;
let otherApprover: User;
let district: User;
let province: string;
const en = { 'accept-language': 'en' };

beforeAll(async () => {
  sys = await startTestSystem();
  dir = mkdtempSync(path.join(os.tmpdir(), 'loa-approval-'));
  // One short file for every bulletin here: after the first, the transcode is reused.
  audio = await makeAudio(dir, 'notice.mp3', 'sine=f=500:d=3', ['-c:a', 'libmp3lame']);
  operator = await sys.createUser('commune_operator', '01858');
  approver = await sys.createUser('commune_approver', '01858');
  otherApprover = await sys.createUser('commune_approver', '01861');
  district = await sys.createUser('district_staff', '060');
  province = await sys.adminCookie();
});
afterAll(async () => {
  await sys?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function ready(cookie: string, fields: Record<string, string> = {}): Promise<any> {
  const res = await upload(sys, audio, { cookie, fields });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const done = await waitForJob(sys, cookie, res.body.id);
  expect(done.job.status).toBe('done');
  return done;
}
const act = (id: number, action: string, cookie: string, body: unknown = {}) => sys.http('POST', `/api/v1/bulletins/${id}/${action}`, { cookie, body, headers: en });
const auditOf = (id: number) =>
  sys.ctx.database.sqlite.prepare("SELECT action, outcome, actor_name AS actor, detail FROM audit_log WHERE target_type = 'bulletin' AND target_id = ? ORDER BY id").all(String(id)) as Array<{ action: string; outcome: string; actor: string; detail: string }>;

describe('approval of a commune bulletin', () => {
  it('is approved only by the commune_approver of that commune, and every step is recorded with who and why', async () => {
    const b = await ready(operator.cookie, { title: 'Họp dân thôn Nà Mò' });
    expect(b.ownerAreaCode).toBe('01858');
    expect((await act(b.id, 'approve', approver.cookie)).body.code).toBe('bulletin_bad_transition');
    expect((await act(b.id, 'submit', operator.cookie)).body.status).toBe('submitted');

    const outside = await act(b.id, 'approve', otherApprover.cookie);
    expect([outside.status, outside.body.code]).toEqual([403, 'forbidden_scope']);
    for (const cookie of [district.cookie, province]) {
      const res = await act(b.id, 'approve', cookie);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('bulletin_wrong_approver');
      expect(res.body.message).toContain("that commune's leadership (commune_approver)");
    }
    expect((await act(b.id, 'approve', operator.cookie)).body.code).toBe('forbidden_role');

    const ok = await act(b.id, 'approve', approver.cookie, { reason: 'Nội dung đúng' });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('approved');

    const history = await sys.http('GET', `/api/v1/bulletins/${b.id}/transitions`, { cookie: operator.cookie });
    expect(history.body.map((t: any) => [t.fromStatus, t.toStatus, t.actorName, t.reason])).toEqual([
      [null, 'draft', operator.username, 'created'],
      ['draft', 'submitted', operator.username, null],
      ['submitted', 'approved', approver.username, 'Nội dung đúng'],
    ]);
    const audit = auditOf(b.id);
    expect(audit.filter((a) => a.outcome === 'ok').map((a) => a.action)).toEqual(['bulletin.create', 'bulletin.submit', 'bulletin.approve']);
    // The refusals of district and province staff are in the audit log too.
    expect(audit.filter((a) => a.outcome === 'denied' && a.action === 'bulletin.approve').map((a) => a.actor)).toEqual(
      expect.arrayContaining([district.username, 'admin']),
    );
  });

  it('needs a reason to reject; an edit sends a rejected bulletin back to draft', async () => {
    const b = await ready(operator.cookie, { title: 'Thông báo thu thuế' });
    await act(b.id, 'submit', operator.cookie);
    const noReason = await act(b.id, 'reject', approver.cookie, { reason: '  ' });
    expect([noReason.status, noReason.body.code]).toEqual([400, 'bulletin_reason_required']);
    const rejected = await act(b.id, 'reject', approver.cookie, { reason: 'Sai ngày thu' });
    expect(rejected.body.status).toBe('rejected');
    const edited = await sys.http('PATCH', `/api/v1/bulletins/${b.id}`, { cookie: operator.cookie, body: { title: 'Thông báo thu thuế (sửa ngày)' } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ status: 'draft', title: 'Thông báo thu thuế (sửa ngày)' });
    await act(b.id, 'submit', operator.cookie);
    // What was submitted is what gets approved: no edits while it waits.
    const locked = await sys.http('PATCH', `/api/v1/bulletins/${b.id}`, { cookie: operator.cookie, body: { notes: 'x' }, headers: en });
    expect([locked.status, locked.body.code]).toEqual([409, 'bulletin_locked']);
    expect((await act(b.id, 'approve', approver.cookie)).body.status).toBe('approved');
    const history = await sys.http('GET', `/api/v1/bulletins/${b.id}/transitions`, { cookie: approver.cookie });
    expect(history.body.map((t: any) => `${t.toStatus}:${t.reason ?? ''}`)).toEqual(['draft:created', 'submitted:', 'rejected:Sai ngày thu', 'draft:edited', 'submitted:', 'approved:']);
  });

  it('shows an approver its queue: the submitted bulletins it may approve', async () => {
    const b = await ready(operator.cookie, { title: 'Chờ duyệt' });
    await act(b.id, 'submit', operator.cookie);
    const queue = await sys.http('GET', '/api/v1/bulletins?approvable=true', { cookie: approver.cookie });
    expect(queue.body.items.map((i: any) => i.id)).toContain(b.id);
    expect(queue.body.items.every((i: any) => i.status === 'submitted' && i.ownerAreaCode === '01858')).toBe(true);
    expect((await sys.http('GET', '/api/v1/bulletins?approvable=true', { cookie: district.cookie })).body.items.map((i: any) => i.id)).not.toContain(b.id);
    expect((await sys.http('GET', '/api/v1/bulletins?approvable=true', { cookie: operator.cookie })).body.total).toBe(0);
  });
});

describe('district and province bulletins', () => {
  it('a district bulletin is approved by its district staff, not by a commune approver', async () => {
    const b = await ready(district.cookie, { title: 'Chương trình phát thanh huyện' });
    expect(b.ownerAreaCode).toBe('060');
    await act(b.id, 'submit', district.cookie);
    expect((await act(b.id, 'approve', approver.cookie)).body.code).toBe('forbidden_scope');
    expect((await act(b.id, 'approve', province)).body.code).toBe('bulletin_wrong_approver');
    expect((await act(b.id, 'approve', district.cookie)).body.status).toBe('approved');
  });

  it('a province bulletin is approved by a province admin', async () => {
    const b = await ready(province, { title: 'Bản tin tỉnh' });
    expect(b.ownerAreaCode).toBe('06');
    await act(b.id, 'submit', province);
    expect((await act(b.id, 'approve', district.cookie)).body.code).toBe('forbidden_scope');
    expect((await act(b.id, 'approve', province)).body.status).toBe('approved');
  });

  it('district staff may make a bulletin owned by one of its communes, which that commune approves', async () => {
    const b = await ready(district.cookie, { title: 'Cho xã Bằng Thành', ownerAreaCode: '01858' });
    expect(b.ownerAreaCode).toBe('01858');
    await act(b.id, 'submit', district.cookie);
    expect((await act(b.id, 'approve', approver.cookie)).body.status).toBe('approved');
  });

  it('refuses an owner outside the creator’s area', async () => {
    const res = await upload(sys, audio, { cookie: operator.cookie, fields: { ownerAreaCode: '01861' }, headers: en });
    expect([res.status, res.body.code]).toEqual([403, 'forbidden_scope']);
  });
});

describe('who may create what', () => {
  it('an emergency bulletin also needs emergency.send: a commune operator is refused (and audited), district staff may', async () => {
    const refused = await upload(sys, audio, { cookie: operator.cookie, fields: { priorityClass: 'emergency', title: 'Lũ quét' }, headers: en });
    expect([refused.status, refused.body.code]).toEqual([403, 'forbidden_role']);
    expect(refused.body.message).toContain('send emergency broadcasts');
    const denied = sys.ctx.database.sqlite.prepare("SELECT detail FROM audit_log WHERE action = 'bulletin.create' AND outcome = 'denied' AND actor_name = ? ORDER BY id DESC LIMIT 1").get(operator.username) as { detail: string };
    expect(JSON.parse(denied.detail).reason).toBe('emergency_needs_emergency_send');
    const ok = await upload(sys, audio, { cookie: district.cookie, fields: { priorityClass: 'emergency', title: 'Lũ quét' } });
    expect(ok.status).toBe(201);
    expect(ok.body.priorityClass).toBe('emergency');
    // Nor can an operator turn a draft into an emergency.
    const own = await ready(operator.cookie);
    const patch = await sys.http('PATCH', `/api/v1/bulletins/${own.id}`, { cookie: operator.cookie, body: { priorityClass: 'emergency' } });
    expect(patch.status).toBe(403);
  });

  it('refuses creation to viewers and approvers', async () => {
    const viewer = await sys.createUser('viewer', '01858');
    for (const cookie of [viewer.cookie, approver.cookie]) {
      const res = await upload(sys, audio, { cookie, headers: en });
      expect([res.status, res.body.code]).toEqual([403, 'forbidden_role']);
    }
  });

  it('approval is a person’s decision: an API token of an approver cannot approve', async () => {
    const b = await ready(operator.cookie);
    await act(b.id, 'submit', operator.cookie);
    const token = await sys.http('POST', '/api/v1/tokens', { cookie: approver.cookie, body: { name: 'máy' } });
    expect(token.status, JSON.stringify(token.body)).toBe(201);
    const res = await sys.http('POST', `/api/v1/bulletins/${b.id}/approve`, { headers: { ...en, authorization: `Bearer ${token.body.token}` }, body: {} });
    expect([res.status, res.body.code]).toEqual([403, 'bulletin_approval_needs_person']);
  });

  it('keeps other communes’ bulletins out of sight', async () => {
    const b = await ready(operator.cookie, { title: 'Chỉ Bằng Thành' });
    const stranger = await sys.createUser('commune_operator', '01861');
    expect((await sys.http('GET', `/api/v1/bulletins/${b.id}`, { cookie: stranger.cookie })).status).toBe(403);
    const list = await sys.http('GET', '/api/v1/bulletins?limit=1000', { cookie: stranger.cookie });
    expect(list.body.items.every((i: any) => i.ownerAreaCode !== '01858')).toBe(true);
    expect((await sys.http('GET', '/api/v1/bulletins?area=01858', { cookie: stranger.cookie })).status).toBe(403);
  });
});

describe('what scheduling may air', () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
      return 'ok';
    } catch (err) {
      return err instanceof AppError ? `${err.status} ${err.code}` : String(err);
    }
  };

  it('gives an approved bulletin with its delivery file; refuses drafts, archived and unknown ones', async () => {
    const b = await ready(operator.cookie, { title: 'Phát sáng mai' });
    expect(code(() => getPlayableBulletin(sys.ctx, b.id))).toBe('409 bulletin_not_approved');
    expect(code(() => getPlayableBulletin(sys.ctx, 999_999))).toBe('404 bulletin_not_found');
    await act(b.id, 'submit', operator.cookie);
    await act(b.id, 'approve', approver.cookie);
    expect(getPlayableBulletin(sys.ctx, b.id)).toEqual({
      id: b.id,
      title: 'Phát sáng mai',
      priorityClass: 'normal',
      ownerAreaCode: '01858',
      asset: { sha256: b.asset.sha256, durationMs: b.asset.durationMs, sizeBytes: b.asset.sizeBytes, url: `/api/v1/media/${b.asset.sha256}` },
    });
    expect((await act(b.id, 'archive', operator.cookie, { reason: 'Hết hạn' })).body.status).toBe('archived');
    expect(code(() => getPlayableBulletin(sys.ctx, b.id))).toBe('409 bulletin_not_approved');
  });

  it('refuses an approved bulletin whose delivery file is not on disk', async () => {
    const b = await ready(operator.cookie, { title: 'Tệp bị mất' });
    await act(b.id, 'submit', operator.cookie);
    await act(b.id, 'approve', approver.cookie);
    sys.ctx.database.sqlite.prepare('UPDATE media_assets SET removed_at = 1 WHERE sha256 = ?').run(b.asset.sha256);
    expect(code(() => getPlayableBulletin(sys.ctx, b.id))).toBe('409 bulletin_not_ready');
    sys.ctx.database.sqlite.prepare('UPDATE media_assets SET removed_at = NULL WHERE sha256 = ?').run(b.asset.sha256);
  });
});
