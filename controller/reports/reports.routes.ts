// Overview and report API used by the web console: progress toward 100% smart stations, online
// now, 30-day uptime, silent stations, the legacy replacement plan, and the Decision 1655 period
// report (JSON and CSV). All reads, scoped to the caller's area; an `area` outside it is a 403.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { assertInScope, requireActor } from '../http/access.js';
import { AreaCode, protectedErrors } from '../http/schemas.js';
import { parsePeriod } from './period.js';
import { periodReportCsv } from './report-csv.js';
import { LegacyStation, LegacySummary, OverviewResponse, PeriodQuery, PeriodReportResponse, SilentStation } from './reports.schemas.js';
import { ReportsService } from './reports.service.js';

const AreaQuery = Type.Object({ area: Type.Optional(AreaCode) }, { additionalProperties: false });

export async function reportRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;
  const service = new ReportsService(ctx.database, ctx.units, ctx.config, ctx.clock);

  /** The unit the figures are for: the caller's scope, or an `area` inside it. */
  const areaOf = (request: FastifyRequest, area: string | undefined): string => {
    const actor = requireActor(request);
    if (!area) return actor.scopeCode;
    assertInScope(request, ctx, { type: 'admin_unit', id: area, areaCode: area }, 'reports.read', false);
    return area;
  };

  r.get(
    '/api/v1/reports/overview',
    {
      config: { access: { permission: 'reports.read' } },
      schema: {
        tags: ['reports'],
        summary: 'Overview per district: stations by technology (progress to 100% smart), online now, 30-day uptime, silent stations, legacy plan',
        querystring: AreaQuery,
        response: { 200: OverviewResponse, ...protectedErrors },
      },
    },
    async (request) => service.overview(areaOf(request, request.query.area)),
  );

  r.get(
    '/api/v1/reports/silent-stations',
    {
      config: { access: { permission: 'reports.read' } },
      schema: {
        tags: ['reports'],
        summary: 'Stations whose clusters have all been silent longer than LOA_SILENT_THRESHOLD_MIN (or `minutes`), longest first',
        querystring: Type.Object(
          { area: Type.Optional(AreaCode), minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 525_600 })), limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ thresholdMin: Type.Integer(), items: Type.Array(SilentStation) }), ...protectedErrors },
      },
    },
    async (request) => {
      const scope = areaOf(request, request.query.area);
      const minutes = request.query.minutes ?? ctx.config.silentThresholdMin;
      return { thresholdMin: minutes, items: service.silentStations(scope, ctx.clock() - minutes * 60_000, request.query.limit) };
    },
  );

  r.get(
    '/api/v1/reports/legacy',
    {
      config: { access: { permission: 'reports.read' } },
      schema: {
        tags: ['reports'],
        summary: 'Stations not yet IT-telecom (FM, wired, mixed, none) with their planned replacement year and status, and the counts',
        querystring: AreaQuery,
        response: { 200: Type.Object({ summary: LegacySummary, stations: Type.Array(LegacyStation) }), ...protectedErrors },
      },
    },
    async (request) => {
      const scope = areaOf(request, request.query.area);
      return { summary: service.legacySummary(scope), stations: service.repo.legacyStations(scope) };
    },
  );

  r.get(
    '/api/v1/reports/period',
    {
      config: { access: { permission: 'reports.read' } },
      schema: {
        tags: ['reports'],
        summary: 'Decision 1655 report for a period (6 months, a year, 2021–2025): per district, stations by technology at start and end, change, uptime',
        querystring: PeriodQuery,
        response: { 200: PeriodReportResponse, ...protectedErrors },
      },
    },
    async (request) => {
      const scope = areaOf(request, request.query.area);
      return service.periodReport(scope, parsePeriod(request.query.from, request.query.to, ctx.config.timezone, ctx.clock()));
    },
  );

  r.get(
    '/api/v1/reports/period.csv',
    {
      config: { access: { permission: 'reports.read' } },
      schema: {
        tags: ['reports'],
        summary: 'The period report as CSV (UTF-8 with BOM; headers in the reader\'s language)',
        querystring: PeriodQuery,
        produces: ['text/csv'],
        response: { 200: Type.String({ description: 'text/csv' }), ...protectedErrors },
      },
    },
    async (request, reply) => {
      const scope = areaOf(request, request.query.area);
      const period = parsePeriod(request.query.from, request.query.to, ctx.config.timezone, ctx.clock());
      const csv = periodReportCsv(service.periodReport(scope, period), request.lang);
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="loa-report-${scope}-${period.from}-${period.to}.csv"`)
        .header('cache-control', 'no-store');
      return csv;
    },
  );
}
