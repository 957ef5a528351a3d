// Access rules for bulletins beyond the permission matrix, applied through the shared mechanism
// (target resolvers, `auditActor`, the catalogue's 403s), each refusal audited as `denied`:
// - creating (or turning a bulletin into) an `emergency` one also needs `emergency.send`
//   (Circular 39: emergency bulletins interrupt everything, so only those who may send
//   emergency broadcasts may make one);
// - approving or rejecting needs the approver of the owner's level, of that very unit (approval.ts),
//   and a person: an API token cannot approve.
import type { FastifyRequest } from 'fastify';
import { PERMISSION_LABELS, roleAllows } from '../access/permissions.js';
import type { ControllerContext } from '../context.js';
import { AppError } from '../errors.js';
import { type AccessTarget, auditActor, requireActor, type TargetResolver } from '../http/access.js';
import { APPROVER_BY_LEVEL, mayApprove } from './approval.js';

export const bulletinTarget: TargetResolver = (request, ctx) => {
  const id = Number((request.params as { id: number | string }).id);
  const row = ctx.bulletins.repo.get(id);
  if (!row) throw new AppError('bulletin_not_found', { id });
  return { type: 'bulletin', id, areaCode: row.ownerAreaCode };
};

/** The unit a new bulletin belongs to: the one asked for (inside the creator's area), else the creator's own. */
export const newBulletinTarget: TargetResolver = (request) => {
  const actor = requireActor(request);
  const body = (request.body ?? {}) as { ownerAreaCode?: string };
  return { type: 'bulletin', id: 'new', areaCode: body.ownerAreaCode ?? actor.scopeCode };
};

const ROLE_LABELS = {
  commune_approver: { vi: 'lãnh đạo UBND xã (commune_approver) của xã đó', en: 'that commune\'s leadership (commune_approver)' },
  district_staff: { vi: 'cán bộ huyện (district_staff) của huyện đó', en: 'staff of that district (district_staff)' },
  province_admin: { vi: 'quản trị tỉnh (province_admin)', en: 'a province administrator (province_admin)' },
} as const;

export function assertMayUseClass(request: FastifyRequest, ctx: ControllerContext, priorityClass: string | undefined, target: AccessTarget, action: string): void {
  if (priorityClass !== 'emergency') return;
  const actor = requireActor(request);
  if (roleAllows(actor.role, 'emergency.send')) return;
  ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action, target, outcome: 'denied', detail: { reason: 'emergency_needs_emergency_send', role: actor.role } });
  throw new AppError('forbidden_role', { role: actor.role, permission: PERMISSION_LABELS['emergency.send'][request.lang] });
}

export function assertMayApprove(request: FastifyRequest, ctx: ControllerContext, target: AccessTarget, action: string): void {
  const actor = requireActor(request);
  const owner = ctx.units.get(target.areaCode);
  if (!owner) throw new AppError('unknown_admin_unit', { code: target.areaCode });
  const deny = (reason: string) => ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action, target, outcome: 'denied', detail: { reason, role: actor.role, scope: actor.scopeCode } });
  if (actor.kind !== 'user') {
    deny('token_cannot_approve');
    throw new AppError('bulletin_approval_needs_person');
  }
  if (!mayApprove(actor, owner)) {
    deny('wrong_approver');
    throw new AppError('bulletin_wrong_approver', { owner: ctx.units.label(owner.code), approver: ROLE_LABELS[APPROVER_BY_LEVEL[owner.level]][request.lang] });
  }
}
