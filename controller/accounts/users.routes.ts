// Account management for the province admin. Users are scoped like everything else: an admin
// sees and edits only accounts inside their area, and nobody edits their own role, scope or
// active flag (no privilege escalation, no locking oneself out).
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ROLES } from '../db/schema/accounts.js';
import { AppError } from '../errors.js';
import { assertInScope, auditActor, requireActor, type TargetResolver } from '../http/access.js';
import { AreaCode, ErrorResponse, protectedErrors } from '../http/schemas.js';

const Role = Type.Union(ROLES.map((r) => Type.Literal(r)));
const UserView = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: Role,
  scopeCode: Type.String(),
  active: Type.Boolean(),
  createdAt: Type.Integer(),
  lastLoginAt: Type.Union([Type.Integer(), Type.Null()]),
});
const Username = Type.String({ minLength: 3, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' });

const userTarget: TargetResolver = (request, ctx) => {
  const id = (request.params as { id: number }).id;
  const user = ctx.users.get(id);
  if (!user) throw new AppError('not_found', { what: request.lang === 'vi' ? 'tài khoản' : 'account' });
  return { type: 'user', id, areaCode: user.scopeCode };
};

export async function userRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;

  r.get(
    '/api/v1/users',
    { config: { access: { permission: 'users.manage' } }, schema: { tags: ['accounts'], summary: 'Accounts within my area', response: { 200: Type.Array(UserView), ...protectedErrors } } },
    async (request) => ctx.users.listWithin(requireActor(request).scopeCode),
  );

  r.get(
    '/api/v1/users/:id',
    {
      config: { access: { permission: 'users.manage', target: userTarget } },
      schema: { tags: ['accounts'], params: Type.Object({ id: Type.Integer() }), response: { 200: UserView, ...protectedErrors } },
    },
    async (request) => ctx.users.get(request.params.id)!,
  );

  r.post(
    '/api/v1/users',
    {
      bodyLimit: 8192,
      config: {
        access: {
          permission: 'users.manage',
          action: 'user.create',
          target: (request) => ({ type: 'user', id: (request.body as { username: string }).username, areaCode: (request.body as { scopeCode: string }).scopeCode }),
        },
      },
      schema: {
        tags: ['accounts'],
        summary: 'Create an account (role scoped to an administrative unit)',
        body: Type.Object(
          { username: Username, displayName: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ maxLength: 256 }), role: Role, scopeCode: AreaCode },
          { additionalProperties: false },
        ),
        response: { 201: UserView, ...protectedErrors, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const user = await ctx.users.create(request.body, request.lang);
      ctx.audit.record({
        actor: auditActor(actor),
        ip: request.ip,
        action: 'user.create',
        target: { type: 'user', id: user.id, areaCode: user.scopeCode },
        outcome: 'ok',
        detail: { username: user.username, role: user.role, scopeCode: user.scopeCode },
      });
      return reply.status(201).send(user);
    },
  );

  r.patch(
    '/api/v1/users/:id',
    {
      bodyLimit: 8192,
      config: { access: { permission: 'users.manage', action: 'user.update', target: userTarget } },
      schema: {
        tags: ['accounts'],
        summary: 'Change an account: name, role, scope, active flag or password',
        params: Type.Object({ id: Type.Integer() }),
        body: Type.Object(
          {
            displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            role: Type.Optional(Role),
            scopeCode: Type.Optional(AreaCode),
            active: Type.Optional(Type.Boolean()),
            password: Type.Optional(Type.String({ maxLength: 256 })),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: UserView, ...protectedErrors },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const { id } = request.params;
      const patch = request.body;
      const changesAccess = patch.role !== undefined || patch.scopeCode !== undefined || patch.active !== undefined;
      if (id === actor.userId && changesAccess) {
        ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action: 'user.update', target: request.target!, outcome: 'denied', detail: { reason: 'own_account', fields: Object.keys(patch) } });
        throw new AppError('cannot_change_own_account');
      }
      if (patch.scopeCode !== undefined) {
        assertInScope(request, ctx, { type: 'user', id, areaCode: patch.scopeCode }, 'user.update');
      }
      const before = ctx.users.get(id)!;
      const user = await ctx.users.update(id, patch, request.lang);
      // A changed role, scope, status or password ends the account's sessions at once.
      if (changesAccess || patch.password !== undefined) ctx.sessions.revokeAllForUser(id);
      const changed = Object.fromEntries(
        Object.keys(patch)
          .filter((k) => k !== 'password')
          .map((k) => [k, { from: before[k as keyof typeof before], to: user[k as keyof typeof user] }]),
      );
      ctx.audit.record({
        actor: auditActor(actor),
        ip: request.ip,
        action: 'user.update',
        target: { type: 'user', id, areaCode: user.scopeCode },
        outcome: 'ok',
        detail: { changed, passwordReset: patch.password !== undefined },
      });
      return user;
    },
  );
}
