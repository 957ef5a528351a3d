// Emergency broadcasts over HTTP: send (one call, fanned out per area), stop, the list, one
// broadcast with its counts and per-cluster rows, and a server-sent event stream of
// acknowledgements and playback starts as they arrive (for the console).
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PlaySource } from '../../shared/index.js';
import type { ControllerContext } from '../context.js';
import { AppError } from '../errors.js';
import { assertInScope, auditActor, requireActor } from '../http/access.js';
import { AreaCode, ErrorResponse, Nullable, Page, protectedErrors } from '../http/schemas.js';
import type { DeviceTrack } from './emergency-tracker.js';
import { EmergencyRepo } from './emergency.repo.js';

const Emergency = Type.Object({
  id: Type.String(),
  title: Type.String(),
  areaCodes: Type.Array(Type.String()),
  bulletinId: Nullable(Type.Integer()),
  status: Type.String(),
  createdBy: Nullable(Type.String()),
  createdAt: Type.Integer(),
  expiresAt: Type.Integer(),
  stoppedAt: Nullable(Type.Integer()),
  counts: Type.Object({ targeted: Type.Integer(), acknowledged: Type.Integer(), refused: Type.Integer(), pending: Type.Integer(), playing: Type.Integer() }),
});

const EmergencyDevice = Type.Object({
  deviceId: Type.String(),
  deviceName: Nullable(Type.String()),
  communeCode: Type.String(),
  ackStatus: Type.String(),
  ackAt: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  startedAt: Nullable(Type.Integer()),
  startedReceivedAt: Nullable(Type.Integer()),
  resentCount: Type.Integer(),
  online: Type.Boolean(),
});

/** Visible when one of its areas lies in my scope, or my scope lies in one of its areas. */
const visibleTo = (ctx: ControllerContext, scope: string) => (areas: string[]) => areas.some((a) => ctx.units.isWithin(scope, a) || ctx.units.isWithin(a, scope));

function emergencyTarget(repo: EmergencyRepo) {
  return (request: FastifyRequest, ctx: ControllerContext) => {
    const id = (request.params as { id: string }).id;
    const areas = repo.areasOf(id);
    if (!areas) throw new AppError('emergency_not_found', { id });
    const scope = requireActor(request).scopeCode;
    return { type: 'emergency', id, areaCode: visibleTo(ctx, scope)(areas) ? scope : areas[0]! };
  };
}

export async function emergencyRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;
  const b = ctx.broadcasts;
  const repo = new EmergencyRepo(ctx.database.sqlite);
  const target = emergencyTarget(repo);
  const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });

  r.post(
    '/api/v1/emergencies',
    {
      bodyLimit: 16_384,
      config: { access: { permission: 'emergency.send', action: 'emergency.send' } },
      schema: {
        tags: ['emergency'],
        summary: 'Send an emergency broadcast to whole areas at once (Circular 39: it interrupts whatever plays)',
        body: Type.Object(
          {
            title: Type.String({ minLength: 1, maxLength: 200 }),
            areaCodes: Type.Array(AreaCode, { minItems: 1, maxItems: 200 }),
            bulletinId: Type.Optional(Type.Integer({ minimum: 1 })),
            stream: Type.Optional(Type.Object({ url: Type.String({ minLength: 1, maxLength: 2048 }), durationMs: Type.Integer({ minimum: 1000, maximum: 86_400_000 }) }, { additionalProperties: false })),
            volume: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
            ttlS: Type.Optional(Type.Integer({ minimum: 60, maximum: 86_400 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Type.String(), areaCodes: Type.Array(Type.String()), createdAt: Type.Integer(), expiresAt: Type.Integer() }), ...protectedErrors, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const body = request.body;
      for (const code of body.areaCodes) assertInScope(request, ctx, { type: 'admin_unit', id: code, areaCode: code }, 'emergency.send');
      if ((body.bulletinId === undefined) === (body.stream === undefined)) throw new AppError('validation_failed', { detail: 'give bulletinId or stream' });
      let source: PlaySource;
      let durationMs: number | undefined;
      if (body.bulletinId !== undefined) {
        const bulletin = b.playable(body.bulletinId);
        if (!ctx.units.isWithin(bulletin.ownerAreaCode, actor.scopeCode)) assertInScope(request, ctx, { type: 'bulletin', id: bulletin.id, areaCode: bulletin.ownerAreaCode }, 'emergency.send');
        source = { type: 'media', sha256: bulletin.asset.sha256, url: bulletin.asset.url, sizeBytes: bulletin.asset.sizeBytes };
        durationMs = bulletin.asset.durationMs;
      } else {
        if (!/^https?:\/\//i.test(body.stream!.url)) throw new AppError('invalid_stream_url', { url: body.stream!.url.slice(0, 200) });
        source = { type: 'stream', url: body.stream!.url };
        durationMs = body.stream!.durationMs;
      }
      const sent = b.emergencies.send({ title: body.title, areaCodes: body.areaCodes, source, durationMs, volume: body.volume, bulletinId: body.bulletinId, ttlS: body.ttlS }, { userId: actor.userId, name: actor.username });
      ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action: 'emergency.send', target: { type: 'emergency', id: sent.id, areaCode: sent.areaCodes[0]! }, outcome: 'ok', detail: { title: body.title, areaCodes: sent.areaCodes, source } });
      return reply.status(201).send(sent);
    },
  );

  r.post(
    '/api/v1/emergencies/:id/stop',
    {
      config: { access: { permission: 'emergency.send', action: 'emergency.stop', target } },
      schema: { tags: ['emergency'], summary: 'End an emergency broadcast: clusters stop it and it is no longer re-sent', params: Params, response: { 200: Emergency, ...protectedErrors, 409: ErrorResponse } },
    },
    async (request) => {
      const areas = repo.areasOf(request.params.id)!;
      for (const code of areas) assertInScope(request, ctx, { type: 'emergency', id: request.params.id, areaCode: code }, 'emergency.stop');
      b.emergencies.stop(request.params.id);
      ctx.audit.record({ actor: auditActor(requireActor(request)), ip: request.ip, action: 'emergency.stop', target: request.target!, outcome: 'ok' });
      return repo.get(request.params.id)!;
    },
  );

  r.get(
    '/api/v1/emergencies',
    {
      config: { access: { permission: 'reports.read' } },
      schema: { tags: ['emergency'], summary: 'Emergency broadcasts reaching my area, newest first', querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) }), response: { 200: Type.Array(Emergency), ...protectedErrors } },
    },
    async (request) => repo.list(visibleTo(ctx, requireActor(request).scopeCode), request.query.limit),
  );

  r.get(
    '/api/v1/emergencies/:id',
    {
      config: { access: { permission: 'reports.read', target } },
      schema: { tags: ['emergency'], summary: 'One emergency broadcast with acknowledgement and playback counts', params: Params, response: { 200: Emergency, ...protectedErrors } },
    },
    async (request) => repo.get(request.params.id)!,
  );

  r.get(
    '/api/v1/emergencies/:id/devices',
    {
      config: { access: { permission: 'reports.read', target } },
      schema: {
        tags: ['emergency'],
        summary: 'Every targeted cluster in my area: acknowledgement and playback start',
        params: Params,
        querystring: Page,
        response: { 200: Type.Object({ items: Type.Array(EmergencyDevice), total: Type.Integer() }), ...protectedErrors },
      },
    },
    async (request) => repo.devices(request.params.id, requireActor(request).scopeCode, request.query.limit, request.query.offset),
  );

  r.get(
    '/api/v1/emergencies/:id/stream',
    {
      config: { access: { permission: 'reports.read', target } },
      schema: { tags: ['emergency'], summary: 'text/event-stream: `summary` events (counts) and `devices` events (acknowledgements, playback starts) as they arrive', params: Params },
    },
    async (request, reply) => {
      const id = request.params.id;
      const scope = requireActor(request).scopeCode;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      send('summary', repo.get(id));
      let summaryTimer: NodeJS.Timeout | null = null;
      const communeOf = ctx.database.sqlite.prepare('SELECT commune_code FROM emergency_devices WHERE emergency_id = ? AND device_id = ?').pluck();
      const onUpdate = (emergencyId: string, tracks: DeviceTrack[]) => {
        if (emergencyId !== id) return;
        const mine = tracks.filter((t) => {
          const commune = communeOf.get(id, t.deviceId) as string | undefined;
          return commune !== undefined && ctx.units.isWithin(scope, commune);
        });
        if (mine.length > 0) send('devices', mine);
        summaryTimer ??= setTimeout(() => {
          summaryTimer = null;
          send('summary', repo.get(id));
        }, 250);
      };
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      b.emergencies.tracker.on('update', onUpdate);
      request.raw.on('close', () => {
        b.emergencies.tracker.off('update', onUpdate);
        clearInterval(keepAlive);
        if (summaryTimer) clearTimeout(summaryTimer);
      });
    },
  );
}
