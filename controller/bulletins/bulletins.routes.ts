// Bulletins over HTTP: the library within the caller's area, one bulletin, edits, the approval
// steps (each audited with who and why), the approval history and re-running a failed transcode.
// Uploads are in bulletin-upload.routes.ts, text-to-speech in tts/tts.routes.ts.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { assertInScope, auditActor, requireActor } from '../http/access.js';
import { AreaCode, ErrorResponse, Nullable, Page, Paged, protectedErrors } from '../http/schemas.js';
import { APPROVER_BY_LEVEL, type BulletinAction } from './approval.js';
import { assertMayApprove, assertMayUseClass, bulletinTarget } from './bulletin-access.js';
import { BulletinSchema, LanguageSchema, PriorityClassSchema, SourceSchema, StatusSchema } from './bulletin-schemas.js';
import { usableList } from './usable.js';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const errors409 = { ...protectedErrors, 409: ErrorResponse };

const ACTION_ROUTES: ReadonlyArray<{ action: Exclude<BulletinAction, 'reopen'>; permission: 'bulletins.create' | 'bulletins.approve'; summary: string }> = [
  { action: 'submit', permission: 'bulletins.create', summary: 'Submit a draft for approval (its audio must be ready)' },
  { action: 'withdraw', permission: 'bulletins.create', summary: 'Take a submitted bulletin back to draft' },
  { action: 'approve', permission: 'bulletins.approve', summary: "Approve: by the owner level's approver of that very unit (a commune's commune_approver, a district's district_staff, the province admin)" },
  { action: 'reject', permission: 'bulletins.approve', summary: 'Reject with a reason (same approver rule as approve)' },
  { action: 'archive', permission: 'bulletins.create', summary: 'Archive: no longer schedulable; its files may be removed after the retention period' },
];

export async function bulletinRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;

  r.get(
    '/api/v1/bulletins',
    {
      config: { access: { permission: 'bulletins.read' } },
      schema: {
        tags: ['bulletins'],
        summary: 'Bulletins within my area, newest change first',
        querystring: Type.Composite(
          [
            Type.Object({
              area: Type.Optional(AreaCode),
              status: Type.Optional(StatusSchema),
              priorityClass: Type.Optional(PriorityClassSchema),
              source: Type.Optional(SourceSchema),
              language: Type.Optional(LanguageSchema),
              category: Type.Optional(Type.String({ maxLength: 100, description: 'part of the category, any case' })),
              q: Type.Optional(Type.String({ maxLength: 100 })),
              approvable: Type.Optional(Type.Boolean({ description: 'only submitted bulletins that I may approve (my approval queue)' })),
              usable: Type.Optional(
                Type.Boolean({ description: 'only bulletins I may put on air (schedule, emergency, play now): approved, with a delivery file, owned by my unit, a unit inside it or a unit above it' }),
              ),
            }),
            Page,
          ],
          { additionalProperties: false },
        ),
        response: { 200: Paged(BulletinSchema), ...protectedErrors },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const { area, approvable, usable: _usable, ...rest } = request.query;
      if (area) assertInScope(request, ctx, { type: 'admin_unit', id: area, areaCode: area }, 'bulletins.read', false);
      if (approvable) {
        // The approver of a unit is scoped to exactly that unit (approval.ts), so the queue is its own unit's.
        const level = ctx.units.get(actor.scopeCode)?.level;
        if (!level || APPROVER_BY_LEVEL[level] !== actor.role) return { items: [], total: 0 };
        return ctx.bulletins.list({ ...rest, areaCode: area, scopeCode: actor.scopeCode, ownerExactly: actor.scopeCode, status: 'submitted' });
      }
      if (request.query.usable) return usableList(ctx, actor.scopeCode, { ...rest, status: 'approved', areaCode: area, scopeCode: actor.scopeCode });
      return ctx.bulletins.list({ ...rest, areaCode: area, scopeCode: actor.scopeCode });
    },
  );

  r.get(
    '/api/v1/bulletins/:id',
    {
      config: { access: { permission: 'bulletins.read', target: bulletinTarget } },
      schema: { tags: ['bulletins'], summary: 'One bulletin with its audio, delivery file and processing job', params: IdParams, response: { 200: BulletinSchema, ...protectedErrors } },
    },
    async (request) => ctx.bulletins.view(request.params.id),
  );

  r.patch(
    '/api/v1/bulletins/:id',
    {
      bodyLimit: 32_768,
      config: { access: { permission: 'bulletins.create', action: 'bulletin.update', target: bulletinTarget } },
      schema: {
        tags: ['bulletins'],
        summary: 'Edit a draft or rejected bulletin (a rejected one goes back to draft)',
        params: IdParams,
        body: Type.Object(
          {
            title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            language: Type.Optional(LanguageSchema),
            category: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
            priorityClass: Type.Optional(PriorityClassSchema),
            notes: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: BulletinSchema, ...errors409 },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      assertMayUseClass(request, ctx, request.body.priorityClass, request.target!, 'bulletin.update');
      const before = ctx.bulletins.get(request.params.id).status;
      ctx.bulletins.edit(actor, request.params.id, request.body);
      ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action: 'bulletin.update', target: request.target!, outcome: 'ok', detail: { changes: request.body, reopened: before === 'rejected' } });
      return ctx.bulletins.view(request.params.id);
    },
  );

  for (const { action, permission, summary } of ACTION_ROUTES) {
    const auditAction = `bulletin.${action}`;
    r.post(
      `/api/v1/bulletins/:id/${action}`,
      {
        bodyLimit: 16_384,
        // The body is optional (only reject needs a reason): no body reads as {}.
        preValidation: async (request) => {
          request.body ??= {};
        },
        config: { access: { permission, action: auditAction, target: bulletinTarget } },
        schema: {
          tags: ['bulletins'],
          summary,
          params: IdParams,
          body: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
          response: { 200: BulletinSchema, ...errors409 },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        if (permission === 'bulletins.approve') assertMayApprove(request, ctx, request.target!, auditAction);
        const reason = request.body.reason ?? null;
        const { from, to } = ctx.bulletins.act(actor, request.params.id, action, reason);
        ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action: auditAction, target: request.target!, outcome: 'ok', detail: { from, to, reason } });
        return ctx.bulletins.view(request.params.id);
      },
    );
  }

  r.get(
    '/api/v1/bulletins/:id/transitions',
    {
      config: { access: { permission: 'bulletins.read', target: bulletinTarget } },
      schema: {
        tags: ['bulletins'],
        summary: 'The approval history: every status change with who and why',
        params: IdParams,
        response: {
          200: Type.Array(
            Type.Object({
              id: Type.Integer(),
              fromStatus: Nullable(StatusSchema),
              toStatus: StatusSchema,
              actorId: Nullable(Type.Integer()),
              actorName: Nullable(Type.String()),
              reason: Nullable(Type.String()),
              at: Type.Integer(),
            }),
          ),
          ...protectedErrors,
        },
      },
    },
    async (request) => ctx.bulletins.repo.transitions(request.params.id),
  );

  r.post(
    '/api/v1/bulletins/:id/transcode',
    {
      config: { access: { permission: 'bulletins.create', action: 'bulletin.retry_transcode', target: bulletinTarget } },
      schema: { tags: ['bulletins'], summary: 'Run a failed audio processing job again', params: IdParams, response: { 202: BulletinSchema, ...errors409 } },
    },
    async (request, reply) => {
      const jobId = ctx.bulletins.retryTranscode(request.params.id);
      ctx.audit.record({ actor: auditActor(requireActor(request)), ip: request.ip, action: 'bulletin.retry_transcode', target: request.target!, outcome: 'ok', detail: { jobId } });
      return reply.status(202).send(ctx.bulletins.view(request.params.id));
    },
  );
}
