// Proof of play and confirmations over HTTP: one occurrence per cluster; a commune's day (what
// the operator confirms); the operator's confirmation (audited); an area's day summary and week
// view for the console; confirmation rates for province and district; start-skew figures.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import { auditActor, requireActor, type TargetResolver } from '../http/access.js';
import { AreaCode, CommuneCode, DeviceId, ErrorResponse, Nullable, protectedErrors } from '../http/schemas.js';
import { deviceTarget } from '../devices/devices.routes.js';
import { ConfirmationRates, DeviceAiring, OccurrenceView, Summary } from './schemas.js';

const areaTarget: TargetResolver = (request) => {
  const code = (request.params as { code: string }).code;
  return { type: 'admin_unit', id: code, areaCode: code };
};
const Day = Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'local date YYYY-MM-DD (default today)' }));
const DAY_MS = 86_400_000;

export async function resultRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;
  const views = ctx.broadcasts.views;

  r.get(
    '/api/v1/occurrences/:id',
    {
      config: { access: { permission: 'reports.read' } },
      schema: { tags: ['broadcasts'], summary: 'One occurrence: per cluster in my area, planned vs what aired', params: Type.Object({ id: Type.Integer() }), response: { 200: OccurrenceView, ...protectedErrors } },
    },
    // Reads are filtered to the caller's area in SQL: a cluster outside it never appears.
    async (request) => views.occurrence(request.params.id, requireActor(request).scopeCode),
  );

  r.get(
    '/api/v1/areas/:code/occurrences',
    {
      config: { access: { permission: 'reports.read', target: areaTarget } },
      schema: {
        tags: ['broadcasts'],
        summary: 'Occurrences planned in an area for a day or a week (console day and week views), with per-cluster results',
        params: Type.Object({ code: AreaCode }),
        querystring: Type.Object({ day: Day, days: Type.Integer({ minimum: 1, maximum: 31, default: 1 }) }, { additionalProperties: false }),
        response: { 200: Type.Array(OccurrenceView), ...protectedErrors },
      },
    },
    async (request) => {
      const { from } = views.dayBounds(request.query.day);
      return views.between(request.params.code, from, from + request.query.days * DAY_MS);
    },
  );

  r.get(
    '/api/v1/devices/:id/airings',
    {
      config: { access: { permission: 'reports.read', target: deviceTarget } },
      schema: {
        tags: ['broadcasts', 'devices'],
        summary: "One cluster's proof of play: its scheduled airings planned in [from, to) (default yesterday and today) with outcome and reason",
        params: Type.Object({ id: DeviceId }),
        querystring: Type.Object(
          { from: Type.Optional(Type.Integer({ description: 'epoch ms' })), to: Type.Optional(Type.Integer({ description: 'epoch ms, at most 31 days after from' })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(DeviceAiring), ...protectedErrors },
      },
    },
    async (request) => {
      const today = views.dayBounds(undefined);
      const from = request.query.from ?? today.from - DAY_MS;
      const to = request.query.to ?? today.to;
      if (to <= from) throw new AppError('validation_failed', { detail: '"to" must be after "from"' });
      if (to - from > 31 * DAY_MS) throw new AppError('validation_failed', { detail: 'at most 31 days at a time' });
      return views.deviceAirings(request.params.id, from, to);
    },
  );

  r.get(
    '/api/v1/areas/:code/broadcasts/summary',
    {
      config: { access: { permission: 'reports.read', target: areaTarget } },
      schema: {
        tags: ['broadcasts'],
        summary: "An area's broadcasts of a day: planned, aired, failed per cluster; confirmed and flagged per commune",
        params: Type.Object({ code: AreaCode }),
        querystring: Type.Object({ day: Day }, { additionalProperties: false }),
        response: { 200: Summary, ...protectedErrors },
      },
    },
    async (request) => views.summary(request.params.code, request.query.day),
  );

  r.get(
    '/api/v1/areas/:code/confirmation-rates',
    {
      config: { access: { permission: 'reports.read', target: areaTarget } },
      schema: {
        tags: ['broadcasts'],
        summary: 'Share of aired occurrences each commune confirmed (heard or flagged), over a period (default the last 30 days)',
        params: Type.Object({ code: AreaCode }),
        querystring: Type.Object({ from: Type.Optional(Type.Integer()), to: Type.Optional(Type.Integer()) }, { additionalProperties: false }),
        response: { 200: ConfirmationRates, ...protectedErrors },
      },
    },
    async (request) => {
      const now = ctx.clock();
      return views.confirmationRates(request.params.code, request.query.from ?? now - 30 * DAY_MS, request.query.to ?? now);
    },
  );

  r.get(
    '/api/v1/areas/:code/playback-skew',
    {
      config: { access: { permission: 'reports.read', target: areaTarget } },
      schema: {
        tags: ['broadcasts'],
        summary: 'Start skew of scheduled items (device clock start − planned start), percentiles over a period',
        params: Type.Object({ code: AreaCode }),
        querystring: Type.Object({ from: Type.Optional(Type.Integer()), to: Type.Optional(Type.Integer()) }, { additionalProperties: false }),
        response: { 200: Type.Object({ count: Type.Integer(), p50: Nullable(Type.Number()), p95: Nullable(Type.Number()), p99: Nullable(Type.Number()), max: Nullable(Type.Number()) }), ...protectedErrors },
      },
    },
    async (request) => {
      const now = ctx.clock();
      const skews = ctx.broadcasts.results.skews(request.params.code, request.query.from ?? now - DAY_MS, request.query.to ?? now + DAY_MS).map(Math.abs).sort((a, b) => a - b);
      const pct = (p: number) => (skews.length ? skews[Math.min(skews.length - 1, Math.ceil(p * skews.length) - 1)]! : null);
      return { count: skews.length, p50: pct(0.5), p95: pct(0.95), p99: pct(0.99), max: skews.length ? skews[skews.length - 1]! : null };
    },
  );

  r.get(
    '/api/v1/communes/:code/today',
    {
      config: { access: { permission: 'reports.read', target: areaTarget } },
      schema: {
        tags: ['broadcasts'],
        summary: "A commune's occurrences of a day (default today) with per-cluster results and its confirmation",
        params: Type.Object({ code: CommuneCode }),
        querystring: Type.Object({ day: Day }, { additionalProperties: false }),
        response: { 200: Type.Object({ day: Type.String(), occurrences: Type.Array(OccurrenceView) }), ...protectedErrors },
      },
    },
    async (request) => {
      const bounds = views.dayBounds(request.query.day);
      return { day: bounds.day, occurrences: views.between(request.params.code, bounds.from, bounds.to) };
    },
  );

  r.put(
    '/api/v1/communes/:code/occurrences/:id/confirmation',
    {
      config: { access: { permission: 'broadcasts.confirm', action: 'broadcast.confirm', target: areaTarget } },
      schema: {
        tags: ['broadcasts'],
        summary: 'The commune operator confirms an occurrence was heard, or flags a problem with a note',
        params: Type.Object({ code: CommuneCode, id: Type.Integer() }),
        body: Type.Object({ status: Type.Union([Type.Literal('heard'), Type.Literal('problem')]), note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ occurrenceId: Type.Integer(), communeCode: Type.String(), status: Type.String(), note: Nullable(Type.String()), at: Type.Integer() }),
          ...protectedErrors,
          409: ErrorResponse,
        },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const { status, note } = request.body;
      if (status === 'problem' && !note?.trim()) throw new AppError('validation_failed', { detail: 'a problem needs a note saying what was wrong' });
      const result = views.confirm(request.params.id, request.params.code, status, note?.trim() || null, actor.userId);
      ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action: 'broadcast.confirm', target: { type: 'occurrence', id: request.params.id, areaCode: request.params.code }, outcome: 'ok', detail: { status, note: result.note } });
      // Open consoles (the overview's day counts) reload on it.
      ctx.live.publish(request.params.code, 'airing', { communeCode: request.params.code, occurrenceId: request.params.id, confirmation: status });
      return result;
    },
  );
}
