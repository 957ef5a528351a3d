// Audio fixtures made by ffmpeg in the test (lavfi sources: no binary files in the repository),
// and helpers to upload them, follow their processing and inspect what Loa delivered.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { vi } from 'vitest';
import { resolveMediaBinaries } from '../controller/media/binaries.js';
import type { TestSystem } from './system.js';

const run = promisify(execFile);
export const bin = resolveMediaBinaries({});

/** Speech-like sound: pink noise cut into ~0.6 s "syllables", band-limited like a voice. */
export const SPEECH_LIKE = (seconds: number, amplitude = 0.25) =>
  `anoisesrc=d=${seconds}:c=pink:a=${amplitude}:r=44100,volume='if(lt(mod(t,0.6),0.35),1,0.15)':eval=frame,lowpass=3500,highpass=120`;

/** Runs ffmpeg with a lavfi source and output arguments; returns the output path. */
export async function makeAudio(dir: string, name: string, lavfi: string, outputArgs: string[] = []): Promise<string> {
  const out = path.join(dir, name);
  await run(bin.ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', lavfi, ...outputArgs, out], { maxBuffer: 1 << 20 });
  return out;
}

export async function ffmpeg(args: string[]): Promise<string> {
  const { stderr } = await run(bin.ffmpeg, args, { maxBuffer: 16 << 20 });
  return stderr;
}

export interface ProbedFile {
  codec: string;
  channels: number;
  sampleRate: number;
  bitRate: number;
  durationS: number;
  formatName: string;
}

export async function probe(file: string): Promise<ProbedFile> {
  const { stdout } = await run(bin.ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]);
  const parsed = JSON.parse(stdout);
  const audio = parsed.streams.find((s: { codec_type: string }) => s.codec_type === 'audio');
  return {
    codec: audio.codec_name,
    channels: audio.channels,
    sampleRate: Number(audio.sample_rate),
    bitRate: Number(parsed.format.bit_rate),
    durationS: Number(parsed.format.duration),
    formatName: parsed.format.format_name,
  };
}

/** Integrated loudness (LUFS) as ffmpeg's EBU R128 scanner measures it. */
export async function integratedLoudness(file: string): Promise<number> {
  const stderr = await ffmpeg(['-hide_banner', '-nostats', '-i', file, '-af', 'ebur128=framelog=verbose', '-f', 'null', '-']);
  const summary = stderr.slice(stderr.lastIndexOf('Integrated loudness:'));
  const m = /I:\s+(-?[\d.]+) LUFS/.exec(summary);
  if (!m) throw new Error(`no loudness in ebur128 output: ${summary.slice(0, 300)}`);
  return Number(m[1]);
}

export interface UploadOptions {
  cookie?: string;
  headers?: Record<string, string>;
  fields?: Record<string, string>;
  filename?: string;
  method?: string;
  url?: string;
}

/**
 * multipart/form-data upload over a plain HTTP request. Not fetch: when Loa refuses an upload
 * before reading it (not signed in, over the cap) it answers and closes the connection while the
 * body is still being sent, and fetch reports that as a network error instead of the answer.
 */
export async function upload(sys: TestSystem, file: string, options: UploadOptions = {}): Promise<{ status: number; body: any }> {
  // A new bulletin needs a title; replacing audio (PUT) takes the file alone.
  const fields = options.method === 'PUT' ? { ...options.fields } : { title: 'Thông báo lịch tiêm chủng', ...options.fields };
  const boundary = `loa-test-${Math.random().toString(36).slice(2)}`;
  const filename = (options.filename ?? path.basename(file)).replace(/"/g, '%22');
  const parts = Object.entries(fields).map(([k, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  const body = Buffer.concat([
    ...parts,
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="audio"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    readFileSync(file),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const headers: Record<string, string | number> = { ...options.headers, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length };
  if (options.cookie) headers.cookie = options.cookie;
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(`${sys.httpUrl}${options.url ?? '/api/v1/bulletins'}`, { method: options.method ?? 'POST', headers });
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch {}
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.end(body);
  });
}

/** Polls the bulletin until its processing job has finished (done or failed). */
export async function waitForJob(sys: TestSystem, cookie: string, id: number, timeout = 200_000): Promise<any> {
  return vi.waitFor(
    async () => {
      const res = await sys.http('GET', `/api/v1/bulletins/${id}`, { cookie });
      if (res.body?.job?.status !== 'done' && res.body?.job?.status !== 'failed') throw new Error(`job is ${res.body?.job?.status}`);
      return res.body;
    },
    { timeout, interval: 200 },
  );
}

export const basicAuth = (deviceId: string, secret: string) => `Basic ${Buffer.from(`${deviceId}:${secret}`).toString('base64')}`;
