// Audio uploads: a new bulletin from a file (or a browser microphone recording), or new audio for
// a draft. multipart/form-data, streamed to disk with a byte cap, checked with ffprobe and a full
// decode before anything is kept, then queued for loudness normalisation and transcoding.
import fs from 'node:fs/promises';
import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PERMISSION_LABELS, roleAllows } from '../access/permissions.js';
import { AppError } from '../errors.js';
import { auditActor, requireActor } from '../http/access.js';
import { AreaCode, ErrorResponse, protectedErrors } from '../http/schemas.js';
import { AUDIO_FIELD, type ReceivedFile, receiveAudioPart } from '../media/upload-intake.js';
import { assertMayUseClass, bulletinTarget, newBulletinTarget } from './bulletin-access.js';
import { BulletinSchema, LanguageSchema, PriorityClassSchema } from './bulletin-schemas.js';

// Room for the form fields and multipart boundaries around the file itself.
const MULTIPART_OVERHEAD_BYTES = 256 * 1024;

const uploadErrors = { ...protectedErrors, 409: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, 422: ErrorResponse, 503: ErrorResponse };

const RecordingSource = Type.Union([Type.Literal('upload'), Type.Literal('recording')], {
  description: 'recording = captured from the browser microphone (webm/ogg Opus)',
  default: 'upload',
});

export async function bulletinUploadRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;
  const limitBytes = ctx.media.maxUploadBytes;
  app.decorateRequest('receivedFile', null);
  app.decorateRequest('workFiles', null as unknown as string[]);
  app.decorateRequest('closeConnection', false);
  app.addHook('onRequest', async (request) => {
    request.workFiles = [];
  });
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: limitBytes, files: 1, fields: 20, fieldSize: 20_000, parts: 25 },
    onFile(part) {
      return receiveAudioPart(this, part, ctx.media.store, limitBytes);
    },
  });
  // An upload refused before its end was read: do not drain the rest, close the connection.
  app.addHook('onSend', async (request, reply) => {
    if (request.closeConnection) reply.header('connection', 'close');
  });
  // A refused or failed upload keeps nothing: the work file goes when the answer is sent.
  const cleanup = async (request: FastifyRequest) => {
    await Promise.all((request.workFiles ?? []).map((f) => fs.rm(f, { force: true })));
  };
  app.addHook('onResponse', cleanup);
  app.addHook('onRequestAbort', cleanup);

  /**
   * Before a byte of the body is read: who is sending, may they create bulletins, and does the
   * declared size fit? (The access plugin's own checks run after the body is parsed; an anonymous
   * or unauthorised 200 MB upload must not reach the disk first.) The scope of the owner unit is
   * checked by the access plugin once the fields are read.
   */
  const gate = (action: string) => async (request: FastifyRequest) => {
    // A refusal here answers before the body is read: close the connection rather than drain it.
    request.closeConnection = true;
    const actor = requireActor(request);
    if (!roleAllows(actor.role, 'bulletins.create')) {
      ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action, outcome: 'denied', detail: { reason: 'role', role: actor.role, url: request.url } });
      throw new AppError('forbidden_role', { role: actor.role, permission: PERMISSION_LABELS['bulletins.create'][request.lang] });
    }
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes + MULTIPART_OVERHEAD_BYTES) {
      throw new AppError('media_too_large', { limitMb: ctx.config.mediaMaxUploadMb });
    }
    request.closeConnection = false;
  };

  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const received = (request: FastifyRequest): ReceivedFile => {
    if (!request.receivedFile) throw new AppError('media_file_missing');
    return request.receivedFile;
  };

  r.post(
    '/api/v1/bulletins',
    {
      onRequest: gate('bulletin.create'),
      config: { access: { permission: 'bulletins.create', action: 'bulletin.create', target: newBulletinTarget } },
      schema: {
        tags: ['bulletins'],
        summary: 'Upload a bulletin (multipart/form-data: the file in "audio", metadata in the other fields)',
        description:
          'Any audio ffmpeg decodes (mp3, m4a, wav, ogg, webm/opus from a browser microphone…). Checked at once: a file with no audio stream, a truncated or empty file, or one over the size or duration cap is refused with a 4xx saying what is wrong. The bulletin is created as a draft; its audio is normalised and transcoded in the background (follow GET /api/v1/bulletins/{id}/progress). An emergency bulletin also needs the emergency.send permission.',
        consumes: ['multipart/form-data'],
        body: Type.Object(
          {
            [AUDIO_FIELD]: Type.String({ description: 'the audio file (a file part)' }),
            title: Type.String({ minLength: 1, maxLength: 200 }),
            language: Type.Optional(LanguageSchema),
            category: Type.Optional(Type.String({ maxLength: 100 })),
            priorityClass: Type.Optional(PriorityClassSchema),
            notes: Type.Optional(Type.String({ maxLength: 2000 })),
            ownerAreaCode: Type.Optional(Type.String({ ...AreaCode, description: 'a unit inside my area that owns it (default: my own unit); it decides who approves' })),
            source: Type.Optional(RecordingSource),
          },
          { additionalProperties: false },
        ),
        response: { 201: BulletinSchema, ...uploadErrors },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const body = request.body;
      assertMayUseClass(request, ctx, body.priorityClass, request.target!, 'bulletin.create');
      const file = received(request);
      const id = await ctx.bulletins.create(
        actor,
        {
          title: body.title.trim(),
          language: body.language ?? 'vi',
          category: body.category ?? null,
          priorityClass: body.priorityClass ?? 'normal',
          notes: body.notes ?? null,
          ownerAreaCode: request.target!.areaCode,
        },
        { source: body.source ?? 'upload', file },
      );
      ctx.audit.record({
        actor: auditActor(actor),
        ip: request.ip,
        action: 'bulletin.create',
        target: { type: 'bulletin', id, areaCode: request.target!.areaCode },
        outcome: 'ok',
        detail: { title: body.title, priorityClass: body.priorityClass ?? 'normal', source: body.source ?? 'upload', sha256: file.sha256, sizeBytes: file.sizeBytes },
      });
      return reply.status(201).send(ctx.bulletins.view(id));
    },
  );

  r.put(
    '/api/v1/bulletins/:id/audio',
    {
      onRequest: gate('bulletin.replace_audio'),
      config: { access: { permission: 'bulletins.create', action: 'bulletin.replace_audio', target: bulletinTarget } },
      schema: {
        tags: ['bulletins'],
        summary: 'Replace the audio of a draft or rejected bulletin (multipart/form-data, file in "audio")',
        consumes: ['multipart/form-data'],
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: Type.Object({ [AUDIO_FIELD]: Type.String(), source: Type.Optional(RecordingSource) }, { additionalProperties: false }),
        response: { 200: BulletinSchema, ...uploadErrors },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const file = received(request);
      await ctx.bulletins.replaceAudio(actor, request.params.id, { source: request.body.source ?? 'upload', file });
      ctx.audit.record({ actor: auditActor(actor), ip: request.ip, action: 'bulletin.replace_audio', target: request.target!, outcome: 'ok', detail: { sha256: file.sha256, sizeBytes: file.sizeBytes } });
      return ctx.bulletins.view(request.params.id);
    },
  );
}
