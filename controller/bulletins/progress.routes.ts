// The processing progress of a bulletin's audio as server-sent events, for the upload screen's
// progress bar: the current state at once, then every change, ending when the job ends.
//   event: progress  data: {"jobId":7,"bulletinId":3,"status":"running","progress":0.42,...}
//   event: done      data: {..., "assetSha256": "…"}      (or event: failed, with "error")
import type { ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { protectedErrors } from '../http/schemas.js';
import type { JobUpdate } from '../media/transcode-worker.js';
import { bulletinTarget } from './bulletin-access.js';

// Proxies and browsers drop a silent connection; a comment line every so often keeps it open.
const KEEPALIVE_MS = 15_000;

export async function progressRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;
  const open = new Set<ServerResponse>();
  // Streams would hold the server open on shutdown: end them first.
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });

  r.get(
    '/api/v1/bulletins/:id/progress',
    {
      config: { access: { permission: 'bulletins.read', target: bulletinTarget } },
      schema: {
        tags: ['bulletins'],
        summary: 'Server-sent events: the audio processing progress of a bulletin, until its job ends',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        produces: ['text/event-stream'],
        response: { 200: Type.String({ description: 'text/event-stream' }), ...protectedErrors },
      },
    },
    async (request, reply) => {
      const bulletinId = request.params.id;
      const res = reply.raw;
      reply.hijack();
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      let following = 0;
      const finish = () => {
        ctx.media.worker.off('update', onUpdate);
        clearInterval(keepalive);
        open.delete(res);
        if (!res.writableEnded) res.end();
      };
      const onUpdate = (u: JobUpdate) => {
        if (u.bulletinId !== bulletinId || u.jobId < following) return;
        following = u.jobId;
        if (u.status === 'done' || u.status === 'failed') {
          send(u.status, u);
          finish();
        } else send('progress', u);
      };
      const keepalive = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
      open.add(res);
      res.on('close', finish);
      // Subscribe and read the current state in the same tick: no update can fall between them.
      ctx.media.worker.on('update', onUpdate);
      const job = ctx.media.repo.latestJobOf(bulletinId);
      const asset = ctx.bulletins.get(bulletinId).assetSha256;
      if (!job) {
        send(asset ? 'done' : 'failed', { jobId: null, bulletinId, status: asset ? 'done' : 'failed', progress: asset ? 1 : 0, error: asset ? null : 'no audio', assetSha256: asset });
        finish();
        return;
      }
      following = job.id;
      onUpdate({ jobId: job.id, bulletinId, status: job.status, progress: job.progress, error: job.error, assetSha256: job.status === 'done' ? (job.outputSha256 ?? asset) : null });
    },
  );
}
