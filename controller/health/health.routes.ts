// Liveness for operators and load balancers (/healthz) and Prometheus metrics (/metrics).
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';

const Check = Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) });

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;

  r.get(
    '/healthz',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['operations'],
        summary: 'Database and broker reachable: 200 when both are, 503 otherwise',
        response: { 200: Type.Object({ status: Type.String(), database: Check, broker: Check }), 503: Type.Object({ status: Type.String(), database: Check, broker: Check }) },
      },
    },
    async (_request, reply) => {
      let database: { ok: boolean; detail?: string } = { ok: true };
      try {
        ctx.database.sqlite.prepare('SELECT 1').get();
      } catch (err) {
        database = { ok: false, detail: (err as Error).message };
      }
      const broker = ctx.mqtt.connected ? { ok: true } : { ok: false, detail: 'MQTT link to the broker is down' };
      const ok = database.ok && broker.ok;
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', database, broker });
    },
  );

  r.get(
    '/api/v1/time',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['operations'],
        summary: "The controller's clock (ms since the epoch); agents measure their clock offset against it",
        response: { 200: Type.Object({ now: Type.Integer() }) },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return { now: Date.now() };
    },
  );

  r.get(
    '/metrics',
    { config: { access: { public: true } }, schema: { tags: ['operations'], summary: 'Prometheus metrics (text format)', hide: false } },
    async (_request, reply) => {
      const stats = ctx.broker?.stats();
      if (stats) {
        ctx.metrics.devicesConnected.set(stats.connectedClients);
        for (const [reason, n] of Object.entries(stats.connectionsRefused)) ctx.metrics.brokerRefused.set({ reason }, n);
        for (const [action, n] of Object.entries(stats.aclDenied)) ctx.metrics.brokerAclDenied.set({ action }, n);
        for (const [kind, n] of Object.entries(stats.messagesIn)) ctx.metrics.brokerMessagesIn.set({ kind }, n);
        for (const [outcome, n] of Object.entries(stats.revocations)) ctx.metrics.brokerRevocations.set({ outcome }, n);
      }
      reply.header('content-type', ctx.metrics.registry.contentType);
      return ctx.metrics.registry.metrics();
    },
  );
}
