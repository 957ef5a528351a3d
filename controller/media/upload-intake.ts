// Receives an uploaded audio file from a multipart request: streamed straight to a temporary
// file (never whole in memory), hashed on the way, cut off at the byte cap. The client's file
// name is only ever a label: it is reduced to a safe display name and never used as a path.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { MediaStore } from './media-store.js';

export interface ReceivedFile {
  tempPath: string;
  sha256: string;
  sizeBytes: number;
  /** Safe display name (no directories, no control characters). */
  filename: string;
  mimetype: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The audio part of a multipart upload, once streamed to disk. */
    receivedFile: ReceivedFile | null;
    /** Work files of this request, removed when the response is sent (adopted ones are gone by then). */
    workFiles: string[];
    /** The body was not read to the end (over the cap): close the connection after replying. */
    closeConnection: boolean;
  }
}

/** "../../etc/passwd" → "passwd"; "C:\\Users\\x\\bản tin.mp3" → "bản tin.mp3". */
export function safeDisplayName(name: string | undefined): string {
  const base = (name ?? '').split(/[/\\]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '').replace(/^\.+/, '').trim();
  return (cleaned || 'audio').slice(0, 200);
}

export const AUDIO_FIELD = 'audio';

export async function receiveAudioPart(request: FastifyRequest, part: MultipartFile, store: MediaStore, limitBytes: number): Promise<void> {
  if (part.fieldname !== AUDIO_FIELD || request.receivedFile) {
    part.file.resume();
    throw new AppError('validation_failed', { detail: `unexpected file field "${part.fieldname}" (send one file, in the field "${AUDIO_FIELD}")` });
  }
  const tempPath = store.tempPath('upload');
  request.workFiles.push(tempPath);
  const hash = createHash('sha256');
  let sizeBytes = 0;
  let overLimit = false;
  const abort = new AbortController();
  part.file.on('limit', () => {
    // busboy would go on reading (and discarding) the rest of the body; stop taking it at all.
    overLimit = true;
    request.raw.unpipe();
    request.raw.pause();
    abort.abort();
  });
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      sizeBytes += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(part.file, count, createWriteStream(tempPath, { flags: 'wx' }), { signal: abort.signal });
  } catch (err) {
    await fs.rm(tempPath, { force: true });
    if (!overLimit) throw err;
  }
  if (overLimit || part.file.truncated) {
    // Nothing of an over-size upload is kept, and the connection closes after the answer.
    await fs.rm(tempPath, { force: true });
    request.closeConnection = true;
    throw new AppError('media_too_large', { limitMb: Math.round(limitBytes / 1_048_576) });
  }
  const filename = safeDisplayName(part.filename);
  (part as MultipartFile & { value?: string }).value = filename;
  request.receivedFile = { tempPath, sha256: hash.digest('hex'), sizeBytes, filename, mimetype: part.mimetype };
}
