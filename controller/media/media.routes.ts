// GET /api/v1/media/{sha256}: the content-addressed audio files.
// - Clusters (agents) authenticate with HTTP Basic `deviceId:secret` (their MQTT credentials) and
//   may fetch a delivery file only when some media reference source allows it (media-refs.ts).
// - Staff (session or API token) may preview the delivery file or the original of a bulletin
//   inside their area (bulletins.read, scope checked by the shared mechanism).
// Files are streamed from disk with Range (resume), ETag = "<sha256>", If-None-Match and
// immutable caching: the same URL never names other bytes.
import fs from 'node:fs/promises';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { roleAllows, PERMISSION_LABELS } from '../access/permissions.js';
import type { ControllerContext } from '../context.js';
import { AppError } from '../errors.js';
import { assertInScope, requireActor } from '../http/access.js';
import { ErrorResponse } from '../http/schemas.js';
import { etagMatches, ifRangeAllows, parseRange } from './http-range.js';

const REALM = 'Basic realm="loa-media", charset="UTF-8"';

type Caller = { kind: 'device'; deviceId: string } | { kind: 'service' } | { kind: 'staff' };

function basicCredentials(header: string | undefined): { username: string; secret: string } | null {
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { username: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

async function authorize(request: FastifyRequest, reply: FastifyReply, ctx: ControllerContext, sha256: string): Promise<Caller> {
  const header = request.headers.authorization;
  if (header?.startsWith('Basic ')) {
    const creds = basicCredentials(header);
    const identity = creds ? await ctx.credentials.verify(creds.username, creds.secret) : null;
    if (!identity) {
      reply.header('www-authenticate', REALM);
      throw new AppError('device_auth_required');
    }
    if (identity.kind === 'service') return { kind: 'service' };
    if (!ctx.mediaRefs.deviceMayFetch(identity.deviceId, sha256)) {
      request.log.info({ deviceId: identity.deviceId, sha256 }, 'media fetch refused: no source allows this device this file');
      throw new AppError('media_not_allowed', { deviceId: identity.deviceId, sha256 });
    }
    return { kind: 'device', deviceId: identity.deviceId };
  }
  if (!request.actor) {
    // No session, no token, no device credentials: say how a cluster signs in.
    if (!request.authProblem) reply.header('www-authenticate', REALM);
    requireActor(request);
  }
  const actor = requireActor(request);
  if (!roleAllows(actor.role, 'bulletins.read')) throw new AppError('forbidden_role', { role: actor.role, permission: PERMISSION_LABELS['bulletins.read'][request.lang] });
  const owners = ctx.bulletins.repo.ownersOfMedia(sha256);
  if (owners.length === 0) throw new AppError('media_not_found', { sha256 });
  const inside = owners.find((code) => ctx.units.isWithin(actor.scopeCode, code));
  // Reads are not audited; a refusal still goes through the one scope check.
  assertInScope(request, ctx, { type: 'media', id: sha256, areaCode: inside ?? owners[0]! }, 'bulletins.read', false);
  return { kind: 'staff' };
}

export async function mediaRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;

  r.get(
    '/api/v1/media/:sha256',
    {
      // Not the session/token gate: clusters authenticate with HTTP Basic, checked in `authorize`
      // (device credentials + media reference sources, or a staff actor + bulletins.read + scope).
      config: { access: { public: true } },
      schema: {
        tags: ['media'],
        summary: 'Download an audio file by its sha256 (agents: HTTP Basic deviceId:secret; staff: session or token)',
        description:
          'Supports `Range: bytes=N-` (206, resume), `If-None-Match` (304), `If-Range`. A malformed or unsatisfiable range gets 416 with `Content-Range: bytes */<size>`. Verify the sha256 of the whole file before using it.',
        params: Type.Object({ sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }) }),
        headers: Type.Object({ range: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: {
          200: Type.String({ description: 'the audio bytes (audio/ogg for Opus, audio/mpeg for MP3)' }),
          206: Type.String({ description: 'one byte range' }),
          304: Type.Null({ description: 'not modified' }),
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          416: ErrorResponse,
        },
      },
    },
    async (request, typedReply) => {
      // The body is a file stream, not one of the JSON schemas above.
      const reply = typedReply as unknown as FastifyReply;
      const { sha256 } = request.params;
      const caller = await authorize(request, reply, ctx, sha256);
      const stored = ctx.media.locate(sha256);
      // Clusters get delivery files only; originals are for staff previews.
      if (!stored || (caller.kind === 'device' && stored.kind !== 'delivery')) throw new AppError('media_not_found', { sha256 });
      // Open first, then stat the open file: a retention sweep that unlinks it now cannot cut the answer short.
      const handle = await fs.open(stored.path, 'r').catch(() => null);
      if (!handle) throw new AppError('media_not_found', { sha256 });
      const size = (await handle.stat()).size;
      const etag = `"${sha256}"`;
      const ifRange = request.headers['if-range'];
      const range = ifRangeAllows(typeof ifRange === 'string' ? ifRange : undefined, etag) ? parseRange(request.headers.range, size) : ({ kind: 'full' } as const);
      const notModified = etagMatches(request.headers['if-none-match'], etag);
      if (range.kind === 'unsatisfiable' && !notModified) {
        await handle.close();
        reply.header('content-range', `bytes */${size}`);
        throw new AppError('range_not_satisfiable', { size });
      }
      reply.header('etag', etag);
      reply.header('cache-control', 'public, max-age=31536000, immutable');
      reply.header('accept-ranges', 'bytes');
      if (notModified || range.kind === 'unsatisfiable') {
        await handle.close();
        return reply.status(304).send();
      }
      reply.header('content-type', stored.mime);
      const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, size - 1];
      reply.header('content-length', String(Math.max(0, end - start + 1)));
      if (range.kind === 'partial') {
        reply.status(206);
        reply.header('content-range', `bytes ${start}-${end}/${size}`);
      }
      if (size === 0) {
        await handle.close();
        return reply.send('');
      }
      return reply.send(handle.createReadStream({ start, end, autoClose: true }));
    },
  );
}
