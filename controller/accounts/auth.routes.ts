// Sign-in, sign-out, who am I, change my password.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { auditActor, requireActor } from '../http/access.js';
import { ErrorResponse } from '../http/schemas.js';
import { SESSION_COOKIE } from './sessions.js';

const MeResponse = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  scopeCode: Type.String(),
  scopeName: Type.String(),
  via: Type.Union([Type.Literal('session'), Type.Literal('token')]),
});

export async function authRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;
  const secureCookie = ctx.config.cookieSecure === 'true' || (ctx.config.cookieSecure === 'auto' && ctx.config.publicUrl.startsWith('https:'));

  const me = (request: FastifyRequest) => {
    const actor = requireActor(request);
    return {
      id: actor.userId,
      username: actor.username,
      displayName: actor.displayName,
      role: actor.role,
      scopeCode: actor.scopeCode,
      scopeName: ctx.units.get(actor.scopeCode)?.name ?? actor.scopeCode,
      via: actor.kind === 'token' ? ('token' as const) : ('session' as const),
    };
  };

  r.post(
    '/api/v1/auth/login',
    {
      bodyLimit: 4096,
      config: { access: { public: true } },
      schema: {
        tags: ['accounts'],
        summary: 'Sign in; sets an HttpOnly, SameSite=Strict session cookie',
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
        response: { 200: MeResponse, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const wait = ctx.loginThrottle.retryAfterMs(username, request.ip);
      const audit = (outcome: 'ok' | 'denied', reason: string | null, userId: number | null) =>
        ctx.audit.record({
          actor: userId ? { type: 'user', id: userId, name: username.toLowerCase() } : { type: 'anonymous', name: username.toLowerCase().slice(0, 64) },
          ip: request.ip,
          action: 'auth.login',
          outcome,
          detail: reason ? { reason } : undefined,
        });
      if (wait > 0) {
        audit('denied', 'throttled', null);
        throw new AppError('too_many_login_attempts', { retryAfterS: Math.ceil(wait / 1000) });
      }
      const check = await ctx.users.checkLogin(username, password);
      if (check.status !== 'ok') {
        // Failures are logged and audited with the username and address, never the password.
        request.log.warn({ username: username.toLowerCase().slice(0, 64), reason: check.status }, 'sign-in refused');
        if (check.status === 'disabled') {
          audit('denied', 'disabled', check.user.id);
          throw new AppError('account_disabled');
        }
        ctx.loginThrottle.recordFailure(username, request.ip);
        audit('denied', check.status, check.status === 'wrong_password' ? check.user.id : null);
        throw new AppError('invalid_credentials');
      }
      ctx.loginThrottle.recordSuccess(username);
      const session = ctx.sessions.create(check.user.id, request.ip, request.headers['user-agent'] ?? null);
      reply.setCookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: secureCookie,
        path: '/',
        expires: new Date(session.expiresAt),
      });
      audit('ok', null, check.user.id);
      request.actor = { kind: 'user', userId: check.user.id, username: check.user.username, displayName: check.user.displayName, role: check.user.role, scopeCode: check.user.scopeCode };
      return me(request);
    },
  );

  r.post(
    '/api/v1/auth/logout',
    { config: { access: { public: true } }, schema: { tags: ['accounts'], summary: 'Sign out (ends the session)', response: { 204: Type.Null() } } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) ctx.sessions.revoke(token);
      if (request.actor) ctx.audit.record({ actor: auditActor(request.actor), ip: request.ip, action: 'auth.logout', outcome: 'ok' });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/api/v1/auth/me',
    { config: { access: { permission: 'registry.read' } }, schema: { tags: ['accounts'], summary: 'The signed-in account', response: { 200: MeResponse, 401: ErrorResponse } } },
    async (request) => me(request),
  );

  r.post(
    '/api/v1/auth/password',
    {
      bodyLimit: 4096,
      config: { access: { permission: 'registry.read', action: 'auth.change_password' } },
      schema: {
        tags: ['accounts'],
        summary: 'Change my own password (ends my other sessions)',
        body: Type.Object({ currentPassword: Type.String({ maxLength: 256 }), newPassword: Type.String({ maxLength: 256 }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      if (actor.kind === 'token') throw new AppError('forbidden_role', { role: 'token', permission: 'change password' });
      if (!(await ctx.users.verifyPassword(actor.userId, request.body.currentPassword))) {
        ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action: 'auth.change_password', outcome: 'denied', detail: { reason: 'wrong_current_password' } });
        throw new AppError('wrong_current_password');
      }
      await ctx.users.update(actor.userId, { password: request.body.newPassword }, request.lang);
      ctx.sessions.revokeAllForUser(actor.userId);
      const session = ctx.sessions.create(actor.userId, request.ip, request.headers['user-agent'] ?? null);
      reply.setCookie(SESSION_COOKIE, session.token, { httpOnly: true, sameSite: 'strict', secure: secureCookie, path: '/', expires: new Date(session.expiresAt) });
      ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action: 'auth.change_password', target: { type: 'user', id: actor.userId }, outcome: 'ok' });
      return reply.status(204).send(null);
    },
  );
}
