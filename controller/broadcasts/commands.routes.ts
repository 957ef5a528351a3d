// Commands to one cluster over HTTP (stored, published, re-sent until answered or expired, and
// audited), their results, and the cluster's current manifest.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { PERMISSION_LABELS, roleAllows } from '../access/permissions.js';
import { deviceTarget } from '../devices/devices.routes.js';
import { AppError } from '../errors.js';
import { auditActor, requireActor } from '../http/access.js';
import { DeviceId, Nullable, Page, Paged, protectedErrors } from '../http/schemas.js';
import { Command, PriorityClass } from './schemas.js';

const CommandBody = Type.Object(
  {
    op: Type.Union([Type.Literal('play'), Type.Literal('stop'), Type.Literal('volume'), Type.Literal('power'), Type.Literal('sync'), Type.Literal('restart')]),
    bulletinId: Type.Optional(Type.Integer({ minimum: 1, description: 'play: an approved bulletin' })),
    stream: Type.Optional(Type.Object({ url: Type.String({ minLength: 1, maxLength: 2048 }), durationMs: Type.Optional(Type.Integer({ minimum: 1000 })) }, { additionalProperties: false })),
    class: Type.Optional(PriorityClass),
    volume: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: 'play: volume for this item' })),
    level: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: 'volume: the new level' })),
    state: Type.Optional(Type.Union([Type.Literal('on'), Type.Literal('off')], { description: 'power: the amplifier' })),
    title: Type.Optional(Type.String({ maxLength: 200 })),
    ttlS: Type.Optional(Type.Integer({ minimum: 10, maximum: 7 * 86_400, description: 'lifetime (default LOA_COMMAND_TTL_S)' })),
  },
  { additionalProperties: false },
);

export async function commandRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;
  const b = ctx.broadcasts;
  const Params = Type.Object({ id: DeviceId });

  r.post(
    '/api/v1/devices/:id/commands',
    {
      bodyLimit: 16_384,
      config: { access: { permission: 'devices.control', action: 'device.command', target: deviceTarget } },
      schema: {
        tags: ['devices'],
        summary: 'Send a command: play (bulletin or stream, with class), stop, volume, power on|off, sync, restart',
        params: Params,
        body: CommandBody,
        response: { 201: Command, ...protectedErrors, 409: protectedErrors[400] },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const body = request.body;
      // Circular 39: only those allowed to send emergencies may play something as an emergency.
      if (body.op === 'play' && body.class === 'emergency' && !roleAllows(actor.role, 'emergency.send')) {
        ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action: 'device.command', target: request.target!, outcome: 'denied', detail: { reason: 'role', permission: 'emergency.send', op: body.op } });
        throw new AppError('forbidden_role', { role: actor.role, permission: PERMISSION_LABELS['emergency.send'][request.lang] });
      }
      if (body.op === 'play' && body.bulletinId !== undefined) {
        const bulletin = b.playable(body.bulletinId);
        if (!ctx.units.isWithin(bulletin.ownerAreaCode, actor.scopeCode) && !ctx.units.isWithin(actor.scopeCode, bulletin.ownerAreaCode)) {
          throw new AppError('forbidden_scope', { target: ctx.units.label(bulletin.ownerAreaCode), scope: ctx.units.label(actor.scopeCode) });
        }
      }
      const payload = b.commands.build(body, ctx.clock());
      const command = b.commands.send(request.params.id, payload, { userId: actor.userId, name: actor.username });
      ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action: 'device.command', target: request.target!, outcome: 'ok', detail: { commandId: command.id, op: command.op, params: payload.params } });
      return reply.status(201).send(command);
    },
  );

  r.get(
    '/api/v1/devices/:id/commands',
    {
      config: { access: { permission: 'devices.read', target: deviceTarget } },
      schema: { tags: ['devices'], summary: 'Commands sent to a cluster, newest first, with their results', params: Params, querystring: Page, response: { 200: Paged(Command), ...protectedErrors } },
    },
    async (request) => b.commands.list(request.params.id, request.query.limit, request.query.offset),
  );

  r.get(
    '/api/v1/devices/:id/manifest',
    {
      config: { access: { permission: 'devices.read', target: deviceTarget } },
      schema: {
        tags: ['devices'],
        summary: "The cluster's current manifest (what it was told to play) and the version it holds",
        params: Params,
        response: { 200: Type.Object({ manifest: Type.Unknown(), heldVersion: Nullable(Type.Integer()) }), ...protectedErrors },
      },
    },
    async (request) => {
      const held = ctx.database.sqlite.prepare('SELECT manifest_version_held FROM devices WHERE id = ?').pluck().get(request.params.id) as number | null;
      return { manifest: b.manifests.current(request.params.id) ?? null, heldVersion: held ?? null };
    },
  );
}
