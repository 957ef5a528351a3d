// The approval state machine and who may approve what (Circular 39/2020; provincial rules such
// as Thừa Thiên Huế 29/2021: what a commune produces is approved by the commune People's
// Committee leadership before air). Pure rules, no I/O.
//
//   draft ──submit──▶ submitted ──approve──▶ approved ──archive──▶ archived
//     ▲                  │  └──reject (reason)──▶ rejected ──archive──▶ archived
//     └──withdraw────────┘                          │
//     └──────────────── reopen (an edit) ◀──────────┘
import type { Role } from '../db/schema/accounts.js';
import type { BulletinStatus } from '../db/schema/media.js';
import type { AdminLevel } from '../db/schema/registry.js';

export const BULLETIN_ACTIONS = ['submit', 'withdraw', 'approve', 'reject', 'reopen', 'archive'] as const;
export type BulletinAction = (typeof BULLETIN_ACTIONS)[number];

export const TRANSITIONS: Readonly<Record<BulletinAction, { from: readonly BulletinStatus[]; to: BulletinStatus }>> = {
  submit: { from: ['draft'], to: 'submitted' },
  withdraw: { from: ['submitted'], to: 'draft' },
  approve: { from: ['submitted'], to: 'approved' },
  reject: { from: ['submitted'], to: 'rejected' },
  // A rejected bulletin that is edited goes back to draft, to be submitted again.
  reopen: { from: ['rejected'], to: 'draft' },
  archive: { from: ['draft', 'submitted', 'approved', 'rejected'], to: 'archived' },
};

export const ACTION_LABELS: Readonly<Record<BulletinAction, { vi: string; en: string }>> = {
  submit: { vi: 'gửi duyệt', en: 'submitted' },
  withdraw: { vi: 'rút lại', en: 'withdrawn' },
  approve: { vi: 'duyệt', en: 'approved' },
  reject: { vi: 'từ chối', en: 'rejected' },
  reopen: { vi: 'mở lại để sửa', en: 'reopened' },
  archive: { vi: 'lưu trữ', en: 'archived' },
};

export function nextStatus(action: BulletinAction, from: BulletinStatus): BulletinStatus | null {
  const t = TRANSITIONS[action];
  return t.from.includes(from) ? t.to : null;
}

/** Only drafts and rejected bulletins can be changed; what was submitted is what gets approved. */
export function isEditable(status: BulletinStatus): boolean {
  return status === 'draft' || status === 'rejected';
}

/** The role that approves a bulletin owned by a unit of this level. */
export const APPROVER_BY_LEVEL = {
  commune: 'commune_approver',
  district: 'district_staff',
  province: 'province_admin',
} as const satisfies Record<AdminLevel, Role>;

/**
 * True when this account may approve (or reject) a bulletin owned by `owner`: the approver role
 * of the owner's level, scoped to that very unit. A commune's bulletin is approved by its own
 * commune_approver — not by district or province staff; a district's by its district staff; a
 * province's by a province admin.
 */
export function mayApprove(actor: { role: Role; scopeCode: string }, owner: { code: string; level: AdminLevel }): boolean {
  return actor.role === APPROVER_BY_LEVEL[owner.level] && actor.scopeCode === owner.code;
}
