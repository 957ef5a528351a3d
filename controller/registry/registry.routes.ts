// The registry over HTTP: the administrative tree, stations with filters, the per-district
// summary of progress toward 100% smart stations, and station edits by the province.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { REPLACEMENT_STATUSES, STATION_TECHNOLOGIES, stations, stationTechChanges } from '../db/schema/registry.js';
import { AppError } from '../errors.js';
import { assertInScope, auditActor, requireActor, type TargetResolver } from '../http/access.js';
import { AreaCode, Nullable, Page, Paged, protectedErrors } from '../http/schemas.js';
import { StationsRepo } from './stations.repo.js';

const Technology = Type.Union(STATION_TECHNOLOGIES.map((t) => Type.Literal(t)));
const Unit = Type.Object({
  code: Type.String(),
  name: Type.String(),
  typeLabel: Type.String(),
  level: Type.String(),
  parentCode: Nullable(Type.String()),
  validTo: Nullable(Type.String()),
});
const Station = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  communeCode: Type.String(),
  communeName: Type.String(),
  districtCode: Nullable(Type.String()),
  technology: Technology,
  commissionedOn: Nullable(Type.String()),
  plannedReplacementYear: Nullable(Type.Integer()),
  replacementStatus: Type.String(),
  notes: Nullable(Type.String()),
  devicesTotal: Type.Integer(),
  devicesOnline: Type.Integer(),
  lastSeenAt: Nullable(Type.Integer()),
});
const DistrictSummary = Type.Object({
  districtCode: Type.String(),
  districtName: Type.String(),
  communes: Type.Integer(),
  stations: Type.Object({ it_telecom: Type.Integer(), fm: Type.Integer(), wired: Type.Integer(), mixed: Type.Integer(), none: Type.Integer() }),
  smartShare: Type.Number({ description: 'IT-telecom stations / communes (target 1.0 by end of 2025, Decision 1655)' }),
  devicesTotal: Type.Integer(),
  devicesOnline: Type.Integer(),
});

const stationTarget: TargetResolver = (request, ctx) => {
  const id = (request.params as { id: number }).id;
  const row = ctx.database.db.select({ communeCode: stations.communeCode }).from(stations).where(eq(stations.id, id)).get();
  if (!row) throw new AppError('station_not_found', { id });
  return { type: 'station', id, areaCode: row.communeCode };
};

export async function registryRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;
  const repo = new StationsRepo(ctx.database, ctx.units);

  r.get(
    '/api/v1/admin-units',
    {
      config: { access: { permission: 'registry.read' } },
      schema: {
        tags: ['registry'],
        summary: 'Administrative units within my area (and the units above it), flat, parents first',
        querystring: Type.Object({ parent: Type.Optional(AreaCode) }, { additionalProperties: false }),
        response: { 200: Type.Array(Unit), ...protectedErrors },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const scope = ctx.units.get(actor.scopeCode);
      if (request.query.parent) assertInScope(request, ctx, { type: 'admin_unit', id: request.query.parent, areaCode: request.query.parent }, 'registry.read', false);
      const above = new Set([scope?.provinceCode, scope?.districtCode, scope?.code].filter(Boolean));
      const levelOrder = { province: 0, district: 1, commune: 2 } as const;
      return ctx.units
        .all()
        .filter((u) => (request.query.parent ? u.parentCode === request.query.parent : ctx.units.isWithin(actor.scopeCode, u.code) || above.has(u.code)))
        .sort((a, b) => levelOrder[a.level] - levelOrder[b.level] || a.code.localeCompare(b.code));
    },
  );

  r.get(
    '/api/v1/stations',
    {
      config: { access: { permission: 'registry.read' } },
      schema: {
        tags: ['registry'],
        summary: 'Stations (one per commune) within my area',
        querystring: Type.Composite([
          Type.Object({
            area: Type.Optional(AreaCode),
            technology: Type.Optional(Technology),
            online: Type.Optional(Type.Boolean({ description: 'true: at least one cluster online; false: none online' })),
            q: Type.Optional(Type.String({ maxLength: 100 })),
          }),
          Page,
        ], { additionalProperties: false }),
        response: { 200: Paged(Station), ...protectedErrors },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const { area, ...rest } = request.query;
      if (area) assertInScope(request, ctx, { type: 'admin_unit', id: area, areaCode: area }, 'registry.read', false);
      return repo.list({ scopeCode: actor.scopeCode, areaCode: area, ...rest });
    },
  );

  r.get(
    '/api/v1/stations/summary',
    {
      config: { access: { permission: 'registry.read' } },
      schema: {
        tags: ['registry'],
        summary: 'Per district: communes, stations by technology, smart share, clusters online',
        response: { 200: Type.Object({ districts: Type.Array(DistrictSummary), totals: Type.Omit(DistrictSummary, ['districtCode', 'districtName']) }), ...protectedErrors },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const districts = repo.summaryByDistrict(actor.scopeCode).map((row) => ({
        districtCode: row.districtCode ?? '',
        districtName: ctx.units.get(row.districtCode ?? '')?.name ?? '',
        communes: row.communes,
        stations: { it_telecom: row.itTelecom ?? 0, fm: row.fm ?? 0, wired: row.wired ?? 0, mixed: row.mixed ?? 0, none: row.none ?? 0 },
        smartShare: row.communes ? (row.itTelecom ?? 0) / row.communes : 0,
        devicesTotal: row.devicesTotal ?? 0,
        devicesOnline: row.devicesOnline ?? 0,
      }));
      const sum = (f: (d: (typeof districts)[number]) => number) => districts.reduce((a, d) => a + f(d), 0);
      const communes = sum((d) => d.communes);
      const totals = {
        communes,
        stations: Object.fromEntries(STATION_TECHNOLOGIES.map((t) => [t, sum((d) => d.stations[t])])) as (typeof districts)[number]['stations'],
        smartShare: communes ? sum((d) => d.stations.it_telecom) / communes : 0,
        devicesTotal: sum((d) => d.devicesTotal),
        devicesOnline: sum((d) => d.devicesOnline),
      };
      return { districts, totals };
    },
  );

  r.get(
    '/api/v1/stations/:id',
    {
      config: { access: { permission: 'registry.read', target: stationTarget } },
      schema: {
        tags: ['registry'],
        params: Type.Object({ id: Type.Integer() }),
        response: {
          200: Type.Composite([
            Station,
            Type.Object({
              technologyHistory: Type.Array(Type.Object({ fromTechnology: Nullable(Type.String()), toTechnology: Type.String(), changedAt: Type.Integer(), note: Nullable(Type.String()) })),
              uptime: Type.Object(
                { last24h: Nullable(Type.Number()), last7d: Nullable(Type.Number()), last30d: Nullable(Type.Number()) },
                { description: "Mean share of the window its clusters were online (from presence transitions); null without clusters" },
              ),
            }),
          ]),
          ...protectedErrors,
        },
      },
    },
    async (request) => {
      const id = request.params.id;
      const now = ctx.clock();
      const clusters = repo.clusters(id);
      const mean = (ms: number) =>
        clusters.length === 0 ? null : clusters.reduce((sum, d) => sum + ctx.uptime.forDevice(d.id, now - ms, now, d.createdAt).ratio, 0) / clusters.length;
      const DAY = 86_400_000;
      return { ...repo.get(id)!, technologyHistory: repo.techHistory(id), uptime: { last24h: mean(DAY), last7d: mean(7 * DAY), last30d: mean(30 * DAY) } };
    },
  );

  r.patch(
    '/api/v1/stations/:id',
    {
      config: { access: { permission: 'stations.edit', action: 'station.update', target: stationTarget } },
      schema: {
        tags: ['registry'],
        summary: 'Edit a station: technology, commissioning, legacy replacement plan',
        params: Type.Object({ id: Type.Integer() }),
        body: Type.Object(
          {
            technology: Type.Optional(Technology),
            commissionedOn: Type.Optional(Nullable(Type.String({ format: 'date' }))),
            plannedReplacementYear: Type.Optional(Nullable(Type.Integer({ minimum: 2000, maximum: 2100 }))),
            replacementStatus: Type.Optional(Type.Union(REPLACEMENT_STATUSES.map((s) => Type.Literal(s)))),
            notes: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Station, ...protectedErrors },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const { id } = request.params;
      const before = repo.get(id)!;
      const now = ctx.clock();
      ctx.database.db.transaction((tx) => {
        tx.update(stations).set({ ...request.body, updatedAt: now }).where(eq(stations.id, id)).run();
        if (request.body.technology && request.body.technology !== before.technology) {
          tx.insert(stationTechChanges).values({ stationId: id, fromTechnology: before.technology, toTechnology: request.body.technology, changedAt: now, changedBy: actor.userId }).run();
        }
      });
      ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action: 'station.update', target: request.target!, outcome: 'ok', detail: { changes: request.body } });
      return repo.get(id)!;
    },
  );
}
