// Authentication and authorisation for brokers other than the in-process one: `loa broker`
// running apart, or a clustered broker (EMQX, RabbitMQ MQTT, Mosquitto with an HTTP auth
// plugin) on the scale-out path. Only the controller's service account may call these.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorize } from '../../broker/acl.js';
import { AuthenticateResponseSchema, type BrokerIdentity, MQTT_AUTHENTICATE_PATH } from '../../broker/identity.js';
import type { ControllerContext } from '../context.js';
import { AppError } from '../errors.js';
import { ErrorResponse } from '../http/schemas.js';

async function requireService(request: FastifyRequest, ctx: ControllerContext): Promise<void> {
  const header = request.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) throw new AppError('device_auth_required');
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const identity = colon > 0 ? await ctx.credentials.verify(decoded.slice(0, colon), decoded.slice(colon + 1)) : null;
  if (identity?.kind !== 'service') throw new AppError('device_auth_required');
}

function toBrokerIdentity(identity: Awaited<ReturnType<ControllerContext['credentials']['verify']>>): BrokerIdentity | null {
  if (!identity) return null;
  return identity.kind === 'service' ? { kind: 'service', name: identity.name } : { kind: 'device', deviceId: identity.deviceId, areaCodes: identity.areaCodes };
}

export async function mqttAuthRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;

  r.post(
    MQTT_AUTHENTICATE_PATH,
    {
      bodyLimit: 4096,
      config: { access: { public: true } },
      schema: {
        tags: ['broker'],
        summary: 'Check an MQTT CONNECT (service account only, HTTP Basic)',
        body: Type.Object({ username: Type.String({ maxLength: 128 }), password: Type.String({ maxLength: 512 }), clientId: Type.String({ maxLength: 128 }), remoteAddress: Type.Optional(Type.String({ maxLength: 64 })) }),
        response: { 200: AuthenticateResponseSchema, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request, reply) => {
      await requireService(request, ctx);
      const identity = toBrokerIdentity(await ctx.credentials.verify(request.body.username, request.body.password));
      if (!identity) throw new AppError('mqtt_credentials_refused');
      return reply.send({ identity });
    },
  );

  r.post(
    '/api/v1/mqtt/authorize',
    {
      bodyLimit: 4096,
      config: { access: { public: true } },
      schema: {
        tags: ['broker'],
        summary: 'The ACL decision for (username, action, topic), for external brokers',
        body: Type.Object({ username: Type.String({ maxLength: 128 }), action: Type.Union([Type.Literal('publish'), Type.Literal('subscribe')]), topic: Type.String({ maxLength: 1024 }) }),
        response: { 200: Type.Object({ result: Type.Union([Type.Literal('allow'), Type.Literal('deny')]), reason: Type.Optional(Type.String()) }), 401: ErrorResponse },
      },
    },
    async (request) => {
      await requireService(request, ctx);
      const { username, action, topic } = request.body;
      let identity: BrokerIdentity | null = null;
      if (username === ctx.serviceAccount.username) identity = { kind: 'service', name: username };
      else {
        const communeCode = ctx.devices.repo.communeOf(username);
        if (communeCode) identity = { kind: 'device', deviceId: username, areaCodes: ctx.units.areaCodesOf(communeCode) };
      }
      const decision = authorize(identity, action, topic);
      return decision.allow ? { result: 'allow' as const } : { result: 'deny' as const, reason: decision.reason };
    },
  );
}
