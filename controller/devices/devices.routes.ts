// Clusters over HTTP: list and detail (with heartbeats and uptime) within the caller's area,
// provisioning (the secret is shown once), secret rotation and edits — each audited.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { and, desc, eq, gte } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { deviceDaily, heartbeats } from '../db/schema/devices.js';
import { AppError } from '../errors.js';
import { auditActor, requireActor, assertInScope, type TargetResolver } from '../http/access.js';
import { AreaCode, CommuneCode, DeviceId, ErrorResponse, Nullable, Page, Paged, protectedErrors } from '../http/schemas.js';

const Device = Type.Object({
  id: Type.String(),
  name: Type.String(),
  stationId: Type.Integer(),
  stationName: Type.String(),
  communeCode: Type.String(),
  communeName: Type.String(),
  districtCode: Nullable(Type.String()),
  lat: Nullable(Type.Number()),
  lon: Nullable(Type.Number()),
  online: Type.Boolean(),
  lastSeenAt: Nullable(Type.Integer()),
  agentVersion: Nullable(Type.String()),
  manifestVersionHeld: Nullable(Type.Integer()),
  clockOffsetMs: Nullable(Type.Number()),
  clockAlarm: Type.Boolean({ description: 'the reported clock offset exceeds LOA_CLOCK_OFFSET_ALARM_MS' }),
  disabled: Type.Boolean(),
  createdAt: Type.Integer(),
  secretRotatedAt: Type.Integer(),
});
const AgentConfig = Type.Object({
  deviceId: Type.String(),
  secret: Type.String(),
  brokerUrl: Type.String(),
  controllerUrl: Type.String(),
  areaCodes: Type.Array(Type.String()),
  dataDir: Type.String(),
  heartbeatIntervalS: Type.Integer(),
  player: Type.String(),
});
const Heartbeat = Type.Object({
  receivedAt: Type.Integer(),
  deviceTs: Type.Integer(),
  uptimeS: Type.Integer(),
  volume: Type.Integer(),
  power: Type.String(),
  playingClass: Nullable(Type.String()),
  diskFreeBytes: Nullable(Type.Integer()),
  cacheBytes: Type.Integer(),
  clockOffsetMs: Nullable(Type.Number()),
  signalDbm: Nullable(Type.Number()),
  manifestVersion: Nullable(Type.Integer()),
});
const Uptime = Type.Object({ onlineMs: Type.Integer(), windowMs: Type.Integer(), ratio: Type.Number() });

export const deviceTarget: TargetResolver = (request, ctx) => {
  const id = (request.params as { id: string }).id;
  const communeCode = ctx.devices.repo.communeOf(id);
  if (!communeCode) throw new AppError('device_not_found', { id });
  return { type: 'device', id, areaCode: communeCode };
};

export async function deviceRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;
  const DAY = 86_400_000;

  r.get(
    '/api/v1/devices',
    {
      config: { access: { permission: 'devices.read' } },
      schema: {
        tags: ['devices'],
        summary: 'Clusters within my area',
        querystring: Type.Composite(
          [Type.Object({ area: Type.Optional(AreaCode), stationId: Type.Optional(Type.Integer()), online: Type.Optional(Type.Boolean()), clockAlarm: Type.Optional(Type.Boolean()), q: Type.Optional(Type.String({ maxLength: 100 })) }), Page],
          { additionalProperties: false },
        ),
        response: { 200: Paged(Device), ...protectedErrors },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const { area, ...rest } = request.query;
      if (area) assertInScope(request, ctx, { type: 'admin_unit', id: area, areaCode: area }, 'devices.read', false);
      return ctx.devices.repo.list({ scopeCode: actor.scopeCode, areaCode: area, ...rest });
    },
  );

  r.get(
    '/api/v1/devices/:id',
    {
      config: { access: { permission: 'devices.read', target: deviceTarget } },
      schema: {
        tags: ['devices'],
        summary: 'One cluster with its latest heartbeats, uptime and online history',
        params: Type.Object({ id: DeviceId }),
        response: {
          200: Type.Composite([
            Device,
            Type.Object({
              lastHeartbeat: Type.Unknown(),
              heartbeats: Type.Array(Heartbeat),
              uptime: Type.Object({ last24h: Uptime, last7d: Uptime, last30d: Uptime }),
              onlinePeriods: Type.Array(Type.Object({ from: Type.Integer(), to: Type.Integer() }), { description: 'last 7 days' }),
              daily: Type.Array(Type.Object({ day: Type.String(), onlineS: Type.Integer(), heartbeats: Type.Integer() }), { description: 'last 30 days' }),
            }),
          ]),
          ...protectedErrors,
        },
      },
    },
    async (request) => {
      const id = request.params.id;
      const device = ctx.devices.repo.get(id)!;
      const now = ctx.clock();
      const window = (ms: number) => {
        const u = ctx.uptime.forDevice(id, now - ms, now, device.createdAt);
        return { onlineMs: u.onlineMs, windowMs: u.windowMs, ratio: u.ratio };
      };
      const lastHeartbeat = ctx.database.sqlite.prepare('SELECT last_heartbeat FROM devices WHERE id = ?').get(id) as { last_heartbeat: string | null };
      return {
        ...device,
        lastHeartbeat: lastHeartbeat.last_heartbeat ? JSON.parse(lastHeartbeat.last_heartbeat) : null,
        heartbeats: ctx.database.db
          .select({
            receivedAt: heartbeats.receivedAt,
            deviceTs: heartbeats.deviceTs,
            uptimeS: heartbeats.uptimeS,
            volume: heartbeats.volume,
            power: heartbeats.power,
            playingClass: heartbeats.playingClass,
            diskFreeBytes: heartbeats.diskFreeBytes,
            cacheBytes: heartbeats.cacheBytes,
            clockOffsetMs: heartbeats.clockOffsetMs,
            signalDbm: heartbeats.signalDbm,
            manifestVersion: heartbeats.manifestVersion,
          })
          .from(heartbeats)
          .where(eq(heartbeats.deviceId, id))
          .orderBy(desc(heartbeats.receivedAt))
          .limit(50)
          .all(),
        uptime: { last24h: window(DAY), last7d: window(7 * DAY), last30d: window(30 * DAY) },
        onlinePeriods: ctx.uptime.periods(id, now - 7 * DAY, now),
        daily: ctx.database.db
          .select({ day: deviceDaily.day, onlineS: deviceDaily.onlineS, heartbeats: deviceDaily.heartbeats })
          .from(deviceDaily)
          .where(and(eq(deviceDaily.deviceId, id), gte(deviceDaily.day, new Date(now - 30 * DAY).toISOString().slice(0, 10))))
          .orderBy(deviceDaily.day)
          .all(),
      };
    },
  );

  r.post(
    '/api/v1/devices',
    {
      bodyLimit: 8192,
      config: {
        access: {
          permission: 'devices.provision',
          action: 'device.provision',
          target: (request) => ({ type: 'device', id: 'new', areaCode: (request.body as { communeCode: string }).communeCode }),
        },
      },
      schema: {
        tags: ['devices'],
        summary: 'Provision a cluster: returns its id, its secret (shown only once) and a ready agent config',
        body: Type.Object(
          {
            communeCode: CommuneCode,
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            lat: Type.Optional(Nullable(Type.Number({ minimum: -90, maximum: 90 }))),
            lon: Type.Optional(Nullable(Type.Number({ minimum: -180, maximum: 180 }))),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ device: Device, secret: Type.String(), agentConfig: AgentConfig }), ...protectedErrors, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const result = await ctx.devices.provision(request.body);
      ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action: 'device.provision', target: { type: 'device', id: result.device.id, areaCode: result.device.communeCode }, outcome: 'ok', detail: { name: result.device.name } });
      return reply.status(201).send(result);
    },
  );

  r.patch(
    '/api/v1/devices/:id',
    {
      bodyLimit: 8192,
      config: { access: { permission: 'devices.provision', action: 'device.update', target: deviceTarget } },
      schema: {
        tags: ['devices'],
        summary: 'Rename, locate or disable a cluster (a disabled cluster cannot connect)',
        params: Type.Object({ id: DeviceId }),
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            lat: Type.Optional(Nullable(Type.Number({ minimum: -90, maximum: 90 }))),
            lon: Type.Optional(Nullable(Type.Number({ minimum: -180, maximum: 180 }))),
            disabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Device, ...protectedErrors, 409: ErrorResponse },
      },
    },
    async (request) => {
      const device = ctx.devices.update(request.params.id, request.body);
      ctx.audit.record({ actor: auditActor(requireActor(request)), ip: request.ip, action: 'device.update', target: request.target!, outcome: 'ok', detail: { changes: request.body } });
      return device;
    },
  );

  r.post(
    '/api/v1/devices/:id/rotate-secret',
    {
      config: { access: { permission: 'devices.provision', action: 'device.rotate_secret', target: deviceTarget } },
      schema: {
        tags: ['devices'],
        summary: 'Issue a new secret (shown once); the old one stops working at once',
        params: Type.Object({ id: DeviceId }),
        response: { 200: Type.Object({ secret: Type.String(), agentConfig: AgentConfig }), ...protectedErrors },
      },
    },
    async (request) => {
      const result = await ctx.devices.rotateSecret(request.params.id);
      ctx.audit.record({ actor: auditActor(requireActor(request)), ip: request.ip, action: 'device.rotate_secret', target: request.target!, outcome: 'ok' });
      return result;
    },
  );
}
