// Reading the audit log: by time, action, outcome and area, within the caller's scope. There is
// deliberately no route that edits or deletes an entry.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { and, desc, eq, gte, inArray, isNull, like, lt, or, type SQL } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { auditLog } from '../db/schema/audit.js';
import { assertInScope, requireActor } from '../http/access.js';
import { AreaCode, protectedErrors } from '../http/schemas.js';

const Entry = Type.Object({
  id: Type.Integer(),
  at: Type.Integer(),
  actorType: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  areaCode: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  detail: Type.Unknown(),
});

export async function auditRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;

  r.get(
    '/api/v1/audit',
    {
      config: { access: { permission: 'audit.read' } },
      schema: {
        tags: ['audit'],
        summary: 'Audit log entries within my area, newest first',
        querystring: Type.Object(
          {
            from: Type.Optional(Type.Integer({ minimum: 0, description: 'ms since epoch, inclusive' })),
            to: Type.Optional(Type.Integer({ minimum: 0, description: 'ms since epoch, exclusive' })),
            area: Type.Optional(AreaCode),
            action: Type.Optional(Type.String({ maxLength: 64, description: 'exact action or a prefix ending in "."' })),
            outcome: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('denied'), Type.Literal('failed')])),
            beforeId: Type.Optional(Type.Integer({ minimum: 1, description: 'cursor: entries with a smaller id' })),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Entry), nextBeforeId: Type.Union([Type.Integer(), Type.Null()]) }), ...protectedErrors },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const q = request.query;
      const area = q.area ?? actor.scopeCode;
      assertInScope(request, ctx, { type: 'audit', id: area, areaCode: area }, 'audit.read', false);
      const areaCodes = ctx.units.all().filter((u) => ctx.units.isWithin(area, u.code)).map((u) => u.code);
      // Entries with no area (sign-ins, system events) belong to the whole province.
      const isProvinceScope = ctx.units.get(area)?.level === 'province';
      const conditions: (SQL | undefined)[] = [
        isProvinceScope ? or(inArray(auditLog.areaCode, areaCodes), isNull(auditLog.areaCode)) : inArray(auditLog.areaCode, areaCodes),
      ];
      if (q.from !== undefined) conditions.push(gte(auditLog.at, q.from));
      if (q.to !== undefined) conditions.push(lt(auditLog.at, q.to));
      if (q.outcome) conditions.push(eq(auditLog.outcome, q.outcome));
      if (q.action) conditions.push(q.action.endsWith('.') ? like(auditLog.action, `${q.action}%`) : eq(auditLog.action, q.action));
      if (q.beforeId) conditions.push(lt(auditLog.id, q.beforeId));
      const items = ctx.database.db.select().from(auditLog).where(and(...conditions)).orderBy(desc(auditLog.id)).limit(q.limit).all();
      return { items, nextBeforeId: items.length === q.limit ? items[items.length - 1]!.id : null };
    },
  );
}
