import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DownloadRequest, downloadMedia, FetchError } from './download.js';
import { type Audio, makeAudio, type MediaServer, mediaUrl, startMediaServer } from './test-support.js';

const USER = 'dev-dl';
const PASSWORD = 'device-secret-0123456789';
let fixtures: string;
let audio: Audio;
let media: MediaServer;
let dir: string;

beforeAll(async () => {
  fixtures = mkdtempSync(path.join(os.tmpdir(), 'loa-dl-fixtures-'));
  audio = await makeAudio(fixtures, 3);
});
afterAll(() => rmSync(fixtures, { recursive: true, force: true }));
beforeEach(async () => {
  media = await startMediaServer(USER, PASSWORD);
  media.files.set(audio.sha256, audio.bytes);
  dir = mkdtempSync(path.join(os.tmpdir(), 'loa-dl-'));
  mkdirSync(path.join(dir, 'partial'));
});
afterEach(async () => {
  await media.close();
  rmSync(dir, { recursive: true, force: true });
});

const partial = () => path.join(dir, 'partial', audio.sha256);
const cached = () => path.join(dir, audio.sha256);
function request(overrides: Partial<DownloadRequest> = {}): DownloadRequest {
  return {
    url: media.url + mediaUrl(audio.sha256),
    sha256: audio.sha256,
    auth: { user: USER, password: PASSWORD },
    partialPath: partial(),
    commit: (p) => rename(p, cached()),
    maxBytes: 10_000_000,
    ...overrides,
  };
}
const failure = (p: Promise<unknown>) => p.then(() => undefined, (err: FetchError) => err);

describe('downloadMedia', () => {
  it('downloads with device Basic auth, verifies the hash and commits the file', async () => {
    const result = await downloadMedia(request());
    expect(result).toEqual({ bytes: audio.bytes.length, resumedFrom: 0 });
    expect(readFileSync(cached()).equals(audio.bytes)).toBe(true);
    expect(existsSync(partial())).toBe(false);
    expect(media.requests).toEqual([{ url: mediaUrl(audio.sha256), authorized: true }]);
  });

  it('resumes from a partial file with a Range request and hashes the whole file', async () => {
    const half = Math.floor(audio.bytes.length / 2);
    writeFileSync(partial(), audio.bytes.subarray(0, half));
    const result = await downloadMedia(request());
    expect(result).toEqual({ bytes: audio.bytes.length, resumedFrom: half });
    expect(media.requests[0]!.range).toBe(`bytes=${half}-`);
    expect(readFileSync(cached()).equals(audio.bytes)).toBe(true);
  });

  it('keeps what arrived when the connection breaks, and the next attempt resumes from it', async () => {
    const cut = 1_000;
    media.faults.set(audio.sha256, (_req, res, body) => {
      res.setHeader('content-length', body.length);
      res.write(body.subarray(0, cut));
      setTimeout(() => res.socket?.destroy(), 50);
      return true;
    });
    const err = await failure(downloadMedia(request()));
    expect(err).toBeInstanceOf(FetchError);
    expect(err!.reason).toBe('network');
    expect(readFileSync(partial())).toHaveLength(cut);
    expect(existsSync(cached())).toBe(false);
    media.faults.clear();
    expect(await downloadMedia(request())).toMatchObject({ resumedFrom: cut });
    expect(readFileSync(cached()).equals(audio.bytes)).toBe(true);
  });

  it('deletes a file whose hash does not match and never commits it', async () => {
    writeFileSync(partial(), Buffer.alloc(500, 7)); // a damaged partial: resumed onto, the whole is wrong
    const err = await failure(downloadMedia(request()));
    expect(err!.reason).toBe('hash_mismatch');
    expect(existsSync(partial())).toBe(false);
    expect(existsSync(cached())).toBe(false);
  });

  it('starts over when the server ignores the range', async () => {
    writeFileSync(partial(), Buffer.alloc(500, 7));
    media.faults.set(audio.sha256, (_req, res, body) => {
      res.end(body);
      return true;
    });
    expect(await downloadMedia(request())).toEqual({ bytes: audio.bytes.length, resumedFrom: 0 });
    expect(readFileSync(cached()).equals(audio.bytes)).toBe(true);
  });

  it('commits a complete partial file after checking it when the server answers 416', async () => {
    writeFileSync(partial(), audio.bytes);
    expect(await downloadMedia(request())).toMatchObject({ resumedFrom: audio.bytes.length });
    expect(readFileSync(cached()).equals(audio.bytes)).toBe(true);
  });

  it('reports a missing hash, refused credentials and an oversized file', async () => {
    expect((await failure(downloadMedia(request({ url: media.url + mediaUrl('0'.repeat(64)) }))))!.reason).toBe('media_missing');
    expect((await failure(downloadMedia(request({ auth: { user: USER, password: 'wrong' } }))))!.reason).toBe('unauthorized');
    expect((await failure(downloadMedia(request({ maxBytes: 100 }))))!.reason).toBe('too_large');
    expect(existsSync(cached())).toBe(false);
  });
});
