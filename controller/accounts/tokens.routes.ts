// API tokens for machine clients: each user manages their own. A token's role and scope can be
// narrowed but never exceed the owner's.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ROLES, type Role } from '../db/schema/accounts.js';
import { AppError } from '../errors.js';
import { assertInScope, auditActor, requireActor } from '../http/access.js';
import { AreaCode, protectedErrors } from '../http/schemas.js';

const TokenView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.String(),
  scopeCode: Type.String(),
  createdAt: Type.Integer(),
  lastUsedAt: Type.Union([Type.Integer(), Type.Null()]),
  expiresAt: Type.Union([Type.Integer(), Type.Null()]),
  revokedAt: Type.Union([Type.Integer(), Type.Null()]),
});

export async function tokenRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;

  r.get(
    '/api/v1/tokens',
    { config: { access: { permission: 'tokens.own' } }, schema: { tags: ['accounts'], summary: 'My API tokens', response: { 200: Type.Array(TokenView), ...protectedErrors } } },
    async (request) => ctx.tokens.listForUser(requireActor(request).userId),
  );

  r.post(
    '/api/v1/tokens',
    {
      bodyLimit: 4096,
      config: { access: { permission: 'tokens.own', action: 'token.create' } },
      schema: {
        tags: ['accounts'],
        summary: 'Create an API token (shown once)',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            role: Type.Optional(Type.Union(ROLES.map((x) => Type.Literal(x)))),
            scopeCode: Type.Optional(AreaCode),
            expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ token: Type.String(), view: TokenView }), ...protectedErrors },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      if (actor.kind === 'token') throw new AppError('forbidden_role', { role: 'token', permission: 'create tokens' });
      const role: Role = request.body.role ?? actor.role;
      // Narrowing only: the owner's own role, or read-only.
      if (role !== actor.role && role !== 'viewer') throw new AppError('role_above_own');
      const scopeCode = request.body.scopeCode ?? actor.scopeCode;
      assertInScope(request, ctx, { type: 'token', id: request.body.name, areaCode: scopeCode }, 'token.create');
      if (role !== 'viewer') ctx.users.checkRoleScope(role, scopeCode);
      const expiresAt = request.body.expiresInDays ? ctx.clock() + request.body.expiresInDays * 86_400_000 : null;
      const created = ctx.tokens.create(actor.userId, { name: request.body.name, role, scopeCode, expiresAt });
      ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action: 'token.create', target: { type: 'token', id: created.view.id, areaCode: scopeCode }, outcome: 'ok', detail: { role, name: request.body.name } });
      return reply.status(201).send(created);
    },
  );

  r.delete(
    '/api/v1/tokens/:id',
    {
      config: { access: { permission: 'tokens.own', action: 'token.revoke' } },
      schema: { tags: ['accounts'], summary: 'Revoke one of my API tokens', params: Type.Object({ id: Type.String({ maxLength: 32 }) }), response: { 204: Type.Null(), ...protectedErrors } },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const token = ctx.tokens.get(request.params.id);
      if (!token || token.userId !== actor.userId) throw new AppError('not_found', { what: 'token' });
      ctx.tokens.revoke(token.id);
      ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action: 'token.revoke', target: { type: 'token', id: token.id, areaCode: token.scopeCode }, outcome: 'ok' });
      return reply.status(204).send(null);
    },
  );
}
