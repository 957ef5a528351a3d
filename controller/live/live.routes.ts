// GET /api/v1/live: the console's server-sent-event stream. It carries `presence` events
// (a cluster went online or offline) for the reader's area only, a `hello` on (re)connect — the
// console reloads what it shows then, since events missed while disconnected are not replayed —
// and keep-alive comments. Open streams are ended before the server closes.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../accounts/sessions.js';
import type { ControllerContext } from '../context.js';
import { AppError } from '../errors.js';
import { requireActor } from '../http/access.js';
import { ErrorResponse } from '../http/schemas.js';
import { LiveStream } from './live-stream.js';

/** The same credential check the access plugin made, repeated later for a long-lived stream. */
function reauthorise(request: FastifyRequest, ctx: ControllerContext): () => boolean {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    const token = header.slice(7).trim();
    return () => ctx.tokens.resolve(token) !== null;
  }
  const cookie = request.cookies?.[SESSION_COOKIE] ?? '';
  return () => ctx.sessions.lookup(cookie).status === 'ok';
}

export async function liveRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;

  // Open streams would keep app.close() waiting for ever.
  app.addHook('preClose', async () => ctx.live.stop());

  r.get(
    '/api/v1/live',
    {
      config: { access: { permission: 'devices.read' } },
      schema: {
        tags: ['console'],
        summary: 'Server-sent events for my area: `hello` on connect, `presence` {deviceId, online, at, reason, stationId, communeCode, districtCode, name} on every online/offline change, keep-alive comments',
        produces: ['text/event-stream'],
        response: { 200: Type.String({ description: 'text/event-stream' }), 401: ErrorResponse, 403: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const stream = new LiveStream(reply.raw, actor.scopeCode, actor.tokenId ? `token:${actor.tokenId}` : `user:${actor.userId}`, reauthorise(request, ctx));
      if (!ctx.live.add(stream)) throw new AppError('too_many_live_streams', { max: ctx.live.maxStreamsPerAccount });
      reply.hijack();
      stream.open({ scopeCode: actor.scopeCode, keepAliveS: Math.round(ctx.live.keepAliveMs / 1000), at: ctx.clock() }, 3000);
    },
  );
}
