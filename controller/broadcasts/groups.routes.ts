// Device groups over HTTP: named sets of clusters inside one area, usable as schedule targets.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { auditActor, requireActor, type TargetResolver } from '../http/access.js';
import { AreaCode, DeviceId, ErrorResponse, protectedErrors } from '../http/schemas.js';
import { Group } from './schemas.js';

const groupTarget: TargetResolver = (request, ctx) => {
  const id = (request.params as { id: number }).id;
  return { type: 'device_group', id, areaCode: ctx.broadcasts.groups.areaOf(id) };
};

export async function groupRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;
  const groups = ctx.broadcasts.groups;
  const Params = Type.Object({ id: Type.Integer() });
  const Members = Type.Array(DeviceId, { maxItems: 5000 });

  r.get(
    '/api/v1/device-groups',
    {
      config: { access: { permission: 'schedules.read' } },
      schema: { tags: ['schedules'], summary: 'Device groups within my area', response: { 200: Type.Array(Group), ...protectedErrors } },
    },
    async (request) => groups.list(requireActor(request).scopeCode),
  );

  r.get(
    '/api/v1/device-groups/:id',
    {
      config: { access: { permission: 'schedules.read', target: groupTarget } },
      schema: { tags: ['schedules'], params: Params, response: { 200: Group, ...protectedErrors } },
    },
    async (request) => groups.get(request.params.id),
  );

  r.post(
    '/api/v1/device-groups',
    {
      config: {
        access: {
          permission: 'schedules.manage',
          action: 'device_group.create',
          target: (request) => ({ type: 'device_group', id: 'new', areaCode: (request.body as { areaCode: string }).areaCode }),
        },
      },
      schema: {
        tags: ['schedules'],
        summary: 'Create a device group in an area of mine',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), areaCode: AreaCode, deviceIds: Members }, { additionalProperties: false }),
        response: { 201: Group, ...protectedErrors, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const group = groups.create(request.body, actor.userId);
      ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action: 'device_group.create', target: { type: 'device_group', id: group.id, areaCode: group.areaCode }, outcome: 'ok', detail: { name: group.name, devices: group.deviceIds.length } });
      return reply.status(201).send(group);
    },
  );

  r.patch(
    '/api/v1/device-groups/:id',
    {
      config: { access: { permission: 'schedules.manage', action: 'device_group.update', target: groupTarget } },
      schema: {
        tags: ['schedules'],
        summary: 'Rename a group or replace its members',
        params: Params,
        body: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), deviceIds: Type.Optional(Members) }, { additionalProperties: false, minProperties: 1 }),
        response: { 200: Group, ...protectedErrors, 409: ErrorResponse },
      },
    },
    async (request) => {
      const group = groups.update(request.params.id, request.body);
      ctx.audit.record({ actor: auditActor(requireActor(request)), ip: request.ip, action: 'device_group.update', target: request.target!, outcome: 'ok', detail: { name: group.name, devices: group.deviceIds.length } });
      return group;
    },
  );

  r.delete(
    '/api/v1/device-groups/:id',
    {
      config: { access: { permission: 'schedules.manage', action: 'device_group.delete', target: groupTarget } },
      schema: { tags: ['schedules'], summary: 'Delete a group; schedules that named it keep their other targets', params: Params, response: { 200: Group, ...protectedErrors } },
    },
    async (request) => {
      const group = groups.delete(request.params.id);
      ctx.audit.record({ actor: auditActor(requireActor(request)), ip: request.ip, action: 'device_group.delete', target: request.target!, outcome: 'ok', detail: { name: group.name } });
      return group;
    },
  );
}
