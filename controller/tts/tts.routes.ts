// A bulletin from text: the configured provider speaks it (espeak-ng's Vietnamese voice offline,
// or a commercial service over HTTP), then it is checked, normalised and transcoded like an upload.
import fs from 'node:fs/promises';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { assertMayUseClass, newBulletinTarget } from '../bulletins/bulletin-access.js';
import { BulletinSchema, LanguageSchema, PriorityClassSchema } from '../bulletins/bulletin-schemas.js';
import { auditActor, requireActor } from '../http/access.js';
import { AreaCode, ErrorResponse, protectedErrors } from '../http/schemas.js';
import { TTS_MAX_CHARS } from './tts-provider.js';

export async function ttsRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;

  r.post(
    '/api/v1/bulletins/tts',
    {
      bodyLimit: 256 * 1024,
      config: { access: { permission: 'bulletins.create', action: 'bulletin.create', target: newBulletinTarget } },
      schema: {
        tags: ['bulletins'],
        summary: 'Create a bulletin from text (text-to-speech)',
        description:
          'The text is spoken by the configured provider (LOA_TTS_PROVIDER), then checked, normalised and transcoded like an upload. 503 names the Debian package to install when the offline provider (espeak-ng) is missing.',
        body: Type.Object(
          {
            title: Type.String({ minLength: 1, maxLength: 200 }),
            text: Type.String({ minLength: 1, maxLength: TTS_MAX_CHARS, pattern: '\\S' }),
            language: Type.Optional(LanguageSchema),
            voice: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_+.-]{0,63}$', description: 'provider voice, e.g. vi, vi-vn-x-central, vi-vn-x-south' })),
            category: Type.Optional(Type.String({ maxLength: 100 })),
            priorityClass: Type.Optional(PriorityClassSchema),
            notes: Type.Optional(Type.String({ maxLength: 2000 })),
            ownerAreaCode: Type.Optional(Type.String({ ...AreaCode, description: 'a unit inside my area that owns it (default: my own unit)' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: BulletinSchema, ...protectedErrors, 413: ErrorResponse, 415: ErrorResponse, 422: ErrorResponse, 502: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const body = request.body;
      assertMayUseClass(request, ctx, body.priorityClass, request.target!, 'bulletin.create');
      const language = body.language ?? 'vi';
      const spoken = await ctx.tts.speak(body.text, { voice: body.voice, language });
      try {
        const id = await ctx.bulletins.create(
          actor,
          {
            title: body.title.trim(),
            language,
            category: body.category ?? null,
            priorityClass: body.priorityClass ?? 'normal',
            notes: body.notes ?? null,
            ownerAreaCode: request.target!.areaCode,
          },
          { source: 'tts', file: spoken, text: body.text, ttsVoice: `${ctx.tts.provider.name}:${spoken.voice}` },
        );
        ctx.audit.record({
          actor: auditActor(actor),
          ip: request.ip,
          action: 'bulletin.create',
          target: { type: 'bulletin', id, areaCode: request.target!.areaCode },
          outcome: 'ok',
          detail: { title: body.title, priorityClass: body.priorityClass ?? 'normal', source: 'tts', provider: ctx.tts.provider.name, voice: spoken.voice, chars: body.text.length },
        });
        return reply.status(201).send(ctx.bulletins.view(id));
      } finally {
        await fs.rm(spoken.tempPath, { force: true });
      }
    },
  );
}
