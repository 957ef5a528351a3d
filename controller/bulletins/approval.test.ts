import { describe, expect, it } from 'vitest';
import { isEditable, mayApprove, nextStatus } from './approval.js';

describe('the approval state machine', () => {
  it('goes draft → submitted → approved, or → rejected → draft again', () => {
    expect(nextStatus('submit', 'draft')).toBe('submitted');
    expect(nextStatus('approve', 'submitted')).toBe('approved');
    expect(nextStatus('reject', 'submitted')).toBe('rejected');
    expect(nextStatus('reopen', 'rejected')).toBe('draft');
    expect(nextStatus('withdraw', 'submitted')).toBe('draft');
  });

  it('refuses steps out of order', () => {
    expect(nextStatus('approve', 'draft')).toBeNull();
    expect(nextStatus('approve', 'approved')).toBeNull();
    expect(nextStatus('submit', 'approved')).toBeNull();
    expect(nextStatus('reject', 'approved')).toBeNull();
    for (const action of ['submit', 'withdraw', 'approve', 'reject', 'reopen', 'archive'] as const) expect(nextStatus(action, 'archived')).toBeNull();
  });

  it('archives from any live state', () => {
    for (const from of ['draft', 'submitted', 'approved', 'rejected'] as const) expect(nextStatus('archive', from)).toBe('archived');
  });

  it('lets only drafts and rejected bulletins be edited', () => {
    expect([isEditable('draft'), isEditable('rejected'), isEditable('submitted'), isEditable('approved'), isEditable('archived')]).toEqual([true, true, false, false, false]);
  });
});

describe('who approves', () => {
  const commune = { code: '01858', level: 'commune' as const };
  const district = { code: '060', level: 'district' as const };
  const province = { code: '06', level: 'province' as const };

  it("approves a commune's bulletin only by that commune's commune_approver", () => {
    expect(mayApprove({ role: 'commune_approver', scopeCode: '01858' }, commune)).toBe(true);
    expect(mayApprove({ role: 'commune_approver', scopeCode: '01861' }, commune)).toBe(false);
    expect(mayApprove({ role: 'district_staff', scopeCode: '060' }, commune)).toBe(false);
    expect(mayApprove({ role: 'province_admin', scopeCode: '06' }, commune)).toBe(false);
    expect(mayApprove({ role: 'commune_operator', scopeCode: '01858' }, commune)).toBe(false);
  });

  it("approves a district's bulletin by its district staff and a province's by a province admin", () => {
    expect(mayApprove({ role: 'district_staff', scopeCode: '060' }, district)).toBe(true);
    expect(mayApprove({ role: 'district_staff', scopeCode: '061' }, district)).toBe(false);
    expect(mayApprove({ role: 'province_admin', scopeCode: '06' }, district)).toBe(false);
    expect(mayApprove({ role: 'province_admin', scopeCode: '06' }, province)).toBe(true);
    expect(mayApprove({ role: 'district_staff', scopeCode: '060' }, province)).toBe(false);
  });
});
