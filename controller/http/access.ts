// The one access mechanism for the whole API. Every route under /api declares
// `config.access`: either `{ public: true }` or a permission plus, for routes that act on one
// thing, a target resolver that finds the administrative unit the thing belongs to. This plugin
// authenticates the caller (session cookie or API token), checks the role against the
// permission matrix and the target against the caller's scope, and audits refused control
// actions. Routes cannot forget it: registering an /api route without `access` fails at start.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor } from '../accounts/actor.js';
import { SESSION_COOKIE } from '../accounts/sessions.js';
import { isReadPermission, PERMISSION_LABELS, type Permission, roleAllows } from '../access/permissions.js';
import type { ControllerContext } from '../context.js';
import { AppError, type Language } from '../errors.js';
import { pickLanguage } from './language.js';

export interface AccessTarget {
  type: string;
  id: string | number;
  /** Administrative unit (commune, district or province code) the target belongs to. */
  areaCode: string;
}

export type TargetResolver = (request: FastifyRequest, ctx: ControllerContext) => AccessTarget | Promise<AccessTarget>;

export type AccessConfig =
  | { public: true }
  | { permission: Permission; target?: TargetResolver; /** Audit action name; defaults to the permission. */ action?: string };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: AccessConfig;
  }
  interface FastifyRequest {
    actor: Actor | null;
    lang: Language;
    target: AccessTarget | null;
    /** How the caller authenticated, so an expired session can be told apart from no session. */
    authProblem: 'expired' | 'invalid_token' | null;
  }
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function requireActor(request: FastifyRequest): Actor {
  if (request.actor) return request.actor;
  if (request.authProblem === 'expired') throw new AppError('session_expired');
  if (request.authProblem === 'invalid_token') throw new AppError('token_invalid');
  throw new AppError('unauthenticated');
}

/** Refuses (and, for control actions, audits) a target outside the caller's area. */
export function assertInScope(request: FastifyRequest, ctx: ControllerContext, target: AccessTarget, action: string, audit = true): void {
  const actor = requireActor(request);
  if (ctx.units.isWithin(actor.scopeCode, target.areaCode)) return;
  // A code that is not in the registry at all is a mistake to name, not a scope violation.
  if (!ctx.units.get(target.areaCode)) throw new AppError('unknown_admin_unit', { code: target.areaCode });
  if (audit) {
    ctx.audit.record({
      actor: auditActor(actor),
      ip: request.ip,
      action,
      target,
      outcome: 'denied',
      detail: { reason: 'outside_scope', scope: actor.scopeCode },
    });
  }
  throw new AppError('forbidden_scope', { target: ctx.units.label(target.areaCode), scope: ctx.units.label(actor.scopeCode) });
}

export function auditActor(actor: Actor | null): { type: 'user' | 'token' | 'anonymous'; id: number | string | null; name: string | null } {
  if (!actor) return { type: 'anonymous', id: null, name: null };
  return actor.kind === 'token'
    ? { type: 'token', id: actor.tokenId ?? null, name: actor.username }
    : { type: 'user', id: actor.userId, name: actor.username };
}

function authenticate(request: FastifyRequest, ctx: ControllerContext): void {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    const actor = ctx.tokens.resolve(header.slice(7).trim());
    if (actor) request.actor = actor;
    else request.authProblem = 'invalid_token';
    return;
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  if (!cookie) return;
  const found = ctx.sessions.lookup(cookie);
  if (found.status === 'ok') {
    // Cookies ride along on cross-site requests in old browsers; for state changes, the Origin
    // (sent by every current browser on POST) must be our own.
    const origin = request.headers.origin;
    if (UNSAFE_METHODS.has(request.method) && origin && !sameOrigin(origin, request, ctx)) {
      throw new AppError('csrf_rejected');
    }
    request.actor = found.actor;
  } else if (found.status === 'expired') {
    request.authProblem = 'expired';
  }
}

function sameOrigin(origin: string, request: FastifyRequest, ctx: ControllerContext): boolean {
  try {
    const o = new URL(origin);
    return o.host === request.headers.host || o.origin === new URL(ctx.config.publicUrl).origin;
  } catch {
    return false;
  }
}

async function accessPlugin(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;
  app.decorateRequest('actor', null);
  app.decorateRequest('target', null);
  app.decorateRequest('authProblem', null);
  app.decorateRequest('lang', 'vi');

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/') && !route.config?.access) {
      throw new Error(`route ${route.method} ${route.url} has no config.access: every API route must declare its access rule`);
    }
  });

  app.addHook('onRequest', async (request) => {
    request.lang = pickLanguage(request.headers['accept-language'], request.cookies?.lang);
    authenticate(request, ctx);
  });

  app.addHook('preHandler', async (request) => {
    const access = request.routeOptions.config.access;
    if (!access || 'public' in access) return;
    const actor = requireActor(request);
    const action = access.action ?? access.permission;
    if (!roleAllows(actor.role, access.permission)) {
      if (!isReadPermission(access.permission)) {
        ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action, outcome: 'denied', detail: { reason: 'role', role: actor.role, url: request.url } });
      }
      throw new AppError('forbidden_role', { role: actor.role, permission: PERMISSION_LABELS[access.permission][request.lang] });
    }
    if (access.target) {
      const target = await access.target(request, ctx);
      assertInScope(request, ctx, target, action, !isReadPermission(access.permission));
      request.target = target;
    }
  });
}

export const accessControl = fp(accessPlugin, { name: 'loa-access', dependencies: ['loa-context'] });
