// One media download into the cache (architecture notes, "Media"): resume from the partial file
// with `Range: bytes=N-`, hash the whole file (the partial part too), fsync, and only if the
// sha256 matches rename it into the cache. A file is playable only once it is in the cache, so a
// partial or wrong file can never be played.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { basicAuth, httpGet, readBody } from './http-get.js';

/** Why a download failed, as reported in `media_fetch_failed.reason`. */
export type FetchFailure = 'media_missing' | 'hash_mismatch' | 'unauthorized' | 'http_error' | 'network' | 'cache_full' | 'too_large';

export class FetchError extends Error {
  constructor(
    readonly reason: FetchFailure,
    message: string,
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

export interface DownloadRequest {
  url: string;
  sha256: string;
  auth: { user: string; password: string };
  partialPath: string;
  /** Moves the verified partial file into the cache. */
  commit: (partialPath: string) => Promise<void>;
  /** The file may not grow beyond this (the manifest's size, or the cache bound). */
  maxBytes: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface DownloadResult {
  bytes: number;
  resumedFrom: number;
}

async function partialSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

export async function downloadMedia(request: DownloadRequest): Promise<DownloadResult> {
  const { url, sha256, partialPath } = request;
  let offset = await partialSize(partialPath);
  const headers: Record<string, string> = { authorization: basicAuth(request.auth.user, request.auth.password) };
  if (offset > 0) headers.range = `bytes=${offset}-`;
  const res = await httpGet(url, { headers, timeoutMs: request.timeoutMs, signal: request.signal }).catch((err: Error) => {
    throw new FetchError('network', err.message);
  });
  const status = res.statusCode ?? 0;
  if (status === 416 && offset > 0) {
    // We hold at least the whole file (a crash after the last byte, before the rename): check it.
    res.resume();
    if ((await hashFile(partialPath)) === sha256) {
      await request.commit(partialPath);
      return { bytes: offset, resumedFrom: offset };
    }
    await rm(partialPath, { force: true });
    throw new FetchError('hash_mismatch', 'partial file does not match; starting again');
  }
  if (status === 200 || status === 206) {
    if (status === 200 && offset > 0) offset = 0; // the server ignored the range: start over
    if (status === 206 && rangeStart(res.headers['content-range']) !== offset) {
      res.resume();
      await rm(partialPath, { force: true });
      throw new FetchError('http_error', `unexpected Content-Range ${res.headers['content-range']} for offset ${offset}`);
    }
    return receive(request, res, offset);
  }
  const body = await readBody(res, 4096).catch(() => '');
  if (status === 404) throw new FetchError('media_missing', `controller has no media ${sha256} (404)`);
  if (status === 401 || status === 403) throw new FetchError('unauthorized', `controller refused the device credentials (${status})`);
  throw new FetchError('http_error', `HTTP ${status} ${body.slice(0, 200)}`.trim());
}

async function receive(request: DownloadRequest, res: import('node:http').IncomingMessage, offset: number): Promise<DownloadResult> {
  const { partialPath, sha256, maxBytes } = request;
  const length = Number(res.headers['content-length']);
  if (Number.isFinite(length) && offset + length > maxBytes) {
    res.destroy();
    throw new FetchError('too_large', `${offset + length} bytes > ${maxBytes} allowed`);
  }
  const hash = createHash('sha256');
  if (offset > 0) await hashInto(hash, partialPath, offset);
  const handle = await open(partialPath, offset > 0 ? 'r+' : 'w');
  let position = offset;
  try {
    for await (const chunk of res) {
      const buf = chunk as Buffer;
      if (position + buf.length > maxBytes) throw new FetchError('too_large', `more than ${maxBytes} bytes`);
      hash.update(buf);
      await handle.write(buf, 0, buf.length, position);
      position += buf.length;
    }
    if (!res.complete) throw new FetchError('network', 'connection closed before the end of the file');
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    if (err instanceof FetchError) throw err;
    // The partial file stays: the next attempt resumes from it.
    throw new FetchError('network', (err as Error).message);
  }
  await handle.close();
  const digest = hash.digest('hex');
  if (digest !== sha256) {
    await rm(partialPath, { force: true });
    throw new FetchError('hash_mismatch', `downloaded ${position} bytes hash to ${digest}`);
  }
  await request.commit(partialPath);
  return { bytes: position, resumedFrom: offset };
}

function rangeStart(header: string | undefined): number | undefined {
  const m = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(header ?? '');
  return m ? Number(m[1]) : undefined;
}

async function hashInto(hash: Hash, file: string, bytes?: number): Promise<void> {
  const stream = createReadStream(file, bytes === undefined ? {} : { end: bytes - 1 });
  for await (const chunk of stream) hash.update(chunk as Buffer);
}

export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await hashInto(hash, file);
  return hash.digest('hex');
}
