// Schedules over HTTP: create, read, change, delete (each audited), their occurrences, and the
// commune's decision on the order of clashing priority items (Circular 39).
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PERMISSION_LABELS, roleAllows } from '../access/permissions.js';
import { Clash, Occurrence, Schedule, ScheduleBody } from '../broadcasts/schemas.js';
import type { ControllerContext } from '../context.js';
import { AppError } from '../errors.js';
import { assertInScope, auditActor, requireActor, type TargetResolver } from '../http/access.js';
import { CommuneCode, ErrorResponse, Page, Paged, protectedErrors } from '../http/schemas.js';
import type { ScheduleRequest } from './schedules.service.js';

const scheduleTarget = (request: FastifyRequest, ctx: ControllerContext) => {
  const id = (request.params as { id: number }).id;
  const s = ctx.broadcasts.scheduleRepo.get(id);
  if (!s || s.deletedAt !== null) throw new AppError('schedule_not_found', { id });
  return { type: 'schedule', id, areaCode: s.ownerAreaCode };
};

/** For reads: a schedule owned above the caller is visible when it targets the caller's unit or one above it. */
const scheduleReadTarget: TargetResolver = (request, ctx) => {
  const target = scheduleTarget(request, ctx);
  const actor = requireActor(request);
  const s = ctx.broadcasts.scheduleRepo.get(target.id as number)!;
  if (s.targets.areas.some((a) => ctx.units.isWithin(a, actor.scopeCode))) return { ...target, areaCode: actor.scopeCode };
  return target;
};

const communeTarget: TargetResolver = (request) => {
  const code = (request.params as { code: string }).code;
  return { type: 'admin_unit', id: code, areaCode: code };
};

/** Role and scope for everything a schedule names: emergency class, targets, bulletins. */
function authorise(request: FastifyRequest, ctx: ControllerContext, body: ScheduleRequest, action: string): void {
  const actor = requireActor(request);
  if (body.class === 'emergency' && !roleAllows(actor.role, 'emergency.send')) {
    ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action, outcome: 'denied', detail: { reason: 'role', role: actor.role, permission: 'emergency.send' } });
    throw new AppError('forbidden_role', { role: actor.role, permission: PERMISSION_LABELS['emergency.send'][request.lang] });
  }
  if (body.bulletinIds && body.stream) throw new AppError('validation_failed', { detail: 'give bulletinIds or stream, not both' });
  if (!body.bulletinIds && !body.stream) throw new AppError('validation_failed', { detail: 'give bulletinIds or stream' });
  for (const unit of ctx.broadcasts.schedules.targetUnits(body)) assertInScope(request, ctx, unit, action);
  // A bulletin of the caller's own area, or of a unit above it (a district programme for its communes).
  for (const id of body.bulletinIds ?? []) {
    const bulletin = ctx.broadcasts.playable(id);
    if (!ctx.units.isWithin(bulletin.ownerAreaCode, actor.scopeCode)) assertInScope(request, ctx, { type: 'bulletin', id, areaCode: bulletin.ownerAreaCode }, action);
  }
}

export async function scheduleRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;
  const b = ctx.broadcasts;
  const Created = Type.Object({ schedule: Schedule, priorityClashes: Type.Array(Clash, { description: 'Circular 39: clashing priority airings, played one after another; the commune may reorder them' }) });
  const errors = { ...protectedErrors, 409: ErrorResponse };

  r.post(
    '/api/v1/schedules',
    {
      bodyLimit: 65_536,
      config: { access: { permission: 'schedules.manage', action: 'schedule.create' } },
      schema: { tags: ['schedules'], summary: 'Create a schedule (one-off, cron or days-of-week + times) for areas, device groups or clusters', body: ScheduleBody, response: { 201: Created, ...errors } },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      authorise(request, ctx, request.body, 'schedule.create');
      const result = b.schedules.create(b.schedules.prepare(request.body), actor.userId);
      ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action: 'schedule.create', target: { type: 'schedule', id: result.schedule.id, areaCode: result.schedule.ownerAreaCode }, outcome: 'ok', detail: { title: result.schedule.title, class: result.schedule.class, priorityClashes: result.priorityClashes.length } });
      return reply.status(201).send(result);
    },
  );

  r.get(
    '/api/v1/schedules',
    {
      config: { access: { permission: 'schedules.read' } },
      schema: {
        tags: ['schedules'],
        summary: 'Schedules owned in my area or playing in it',
        querystring: Type.Composite([Type.Object({ includeDeleted: Type.Optional(Type.Boolean()) }), Page], { additionalProperties: false }),
        response: { 200: Paged(Schedule), ...protectedErrors },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const unit = ctx.units.get(actor.scopeCode);
      const ancestors = [unit?.code, unit?.districtCode, unit?.provinceCode].filter((c): c is string => !!c);
      return b.scheduleRepo.listVisible({ within: actor.scopeCode, ancestors }, { includeDeleted: request.query.includeDeleted ?? false, limit: request.query.limit, offset: request.query.offset });
    },
  );

  r.get(
    '/api/v1/schedules/:id',
    {
      config: { access: { permission: 'schedules.read', target: scheduleReadTarget } },
      schema: { tags: ['schedules'], params: Type.Object({ id: Type.Integer() }), response: { 200: Schedule, ...protectedErrors } },
    },
    async (request) => b.schedules.get(request.params.id),
  );

  r.put(
    '/api/v1/schedules/:id',
    {
      bodyLimit: 65_536,
      config: { access: { permission: 'schedules.manage', action: 'schedule.update', target: scheduleTarget } },
      schema: { tags: ['schedules'], summary: 'Replace a schedule; future occurrences follow, past ones stay', params: Type.Object({ id: Type.Integer() }), body: ScheduleBody, response: { 200: Created, ...errors } },
    },
    async (request) => {
      const actor = requireActor(request);
      authorise(request, ctx, request.body, 'schedule.update');
      const result = b.schedules.update(request.params.id, b.schedules.prepare(request.body));
      ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action: 'schedule.update', target: request.target!, outcome: 'ok', detail: { title: result.schedule.title, class: result.schedule.class } });
      return result;
    },
  );

  r.delete(
    '/api/v1/schedules/:id',
    {
      config: { access: { permission: 'schedules.manage', action: 'schedule.delete', target: scheduleTarget } },
      schema: { tags: ['schedules'], summary: 'Delete a schedule: its future occurrences are withdrawn from every manifest', params: Type.Object({ id: Type.Integer() }), response: { 200: Schedule, ...protectedErrors } },
    },
    async (request) => {
      const schedule = b.schedules.delete(request.params.id);
      ctx.audit.record({ actor: auditActor(requireActor(request)), ip: request.ip, action: 'schedule.delete', target: request.target!, outcome: 'ok', detail: { title: schedule.title } });
      return schedule;
    },
  );

  r.get(
    '/api/v1/schedules/:id/occurrences',
    {
      config: { access: { permission: 'schedules.read', target: scheduleReadTarget } },
      schema: {
        tags: ['schedules'],
        summary: 'Occurrences of a schedule in a window (default: now to the horizon)',
        params: Type.Object({ id: Type.Integer() }),
        querystring: Type.Object({ from: Type.Optional(Type.Integer()), to: Type.Optional(Type.Integer()), withdrawn: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Type.Array(Occurrence), ...protectedErrors },
      },
    },
    async (request) => {
      const now = ctx.clock();
      const { from = now, to = b.occurrences.horizonEnd(now), withdrawn = false } = request.query;
      return b.scheduleRepo.occurrencesOf(request.params.id, from, to, withdrawn ? 'any' : 'planned');
    },
  );

  const ClashList = Type.Array(
    Type.Object({
      decided: Type.Boolean(),
      occurrences: Type.Array(Type.Object({ occurrenceId: Type.Integer(), scheduleId: Type.Integer(), title: Type.String(), plannedStartAt: Type.Integer(), playsAt: Type.Integer(), durationMs: Type.Integer(), rank: Type.Union([Type.Integer(), Type.Null()]) })),
    }),
  );

  r.get(
    '/api/v1/communes/:code/priority-clashes',
    {
      config: { access: { permission: 'schedules.read', target: communeTarget } },
      schema: { tags: ['schedules'], summary: 'Clashing priority airings in a commune, in the order they will play', params: Type.Object({ code: CommuneCode }), response: { 200: ClashList, ...protectedErrors } },
    },
    async (request) => b.priorityOrder.clashes(request.params.code),
  );

  r.put(
    '/api/v1/communes/:code/priority-order',
    {
      config: { access: { permission: 'schedules.manage', action: 'schedule.priority_order', target: communeTarget } },
      schema: {
        tags: ['schedules'],
        summary: 'Circular 39: the commune decides the order of clashing priority airings (first plays first)',
        params: Type.Object({ code: CommuneCode }),
        body: Type.Object({ occurrenceIds: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 2, maxItems: 50 }) }, { additionalProperties: false }),
        response: { 200: ClashList, ...protectedErrors },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const result = b.priorityOrder.decide(request.params.code, request.body.occurrenceIds, actor.userId);
      ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action: 'schedule.priority_order', target: request.target!, outcome: 'ok', detail: { order: request.body.occurrenceIds } });
      return result;
    },
  );
}
