// Text-to-speech through an HTTP service (a commercial Vietnamese TTS, or a gateway in front of
// one), chosen by configuration: LOA_TTS_PROVIDER=http, LOA_TTS_HTTP_URL, LOA_TTS_HTTP_TOKEN.
// The contract (docs/media.md):
//   POST <url>  {"text", "voice", "language", "format": "wav"}  Authorization: Bearer <token>
//   → 200 with the audio itself (Content-Type audio/* or application/octet-stream), or
//   → 200/202 JSON {"audioUrl": "<url>"}: Loa then GETs that URL, retrying while it answers 404 or
//     202, since several services publish the file a few seconds after answering.
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../errors.js';
import type { TtsOptions, TtsProvider } from './tts-provider.js';

export interface HttpTtsConfig {
  url: string;
  token?: string | undefined;
  timeoutMs: number;
  maxBytes: number;
}

const POLL_INTERVAL_MS = 1000;

export class HttpTtsProvider implements TtsProvider {
  readonly name = 'http';

  constructor(
    private readonly config: HttpTtsConfig,
    private readonly tempPath: (ext: string) => string,
  ) {}

  async synthesize(text: string, options: TtsOptions, signal?: AbortSignal): Promise<string> {
    const deadline = AbortSignal.any([AbortSignal.timeout(this.config.timeoutMs), ...(signal ? [signal] : [])]);
    const auth: Record<string, string> = this.config.token ? { authorization: `Bearer ${this.config.token}` } : {};
    let res: Response;
    try {
      res = await fetch(this.config.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'audio/*, application/json', ...auth },
        body: JSON.stringify({ text, voice: options.voice, language: options.language, format: 'wav' }),
        signal: deadline,
      });
    } catch (err) {
      throw this.failure(`cannot reach ${new URL(this.config.url).host}: ${(err as Error).message}`);
    }
    if (!res.ok) throw this.failure(`HTTP ${res.status}: ${(await res.text().catch(() => '')).slice(0, 200)}`);
    if (!(res.headers.get('content-type') ?? '').includes('json')) return this.save(res);

    const body = (await res.json().catch(() => ({}))) as { audioUrl?: unknown };
    if (typeof body.audioUrl !== 'string') throw this.failure('the JSON answer has no "audioUrl"');
    const audioUrl = new URL(body.audioUrl, this.config.url);
    // The token belongs to the service: never send it to another host named in an answer.
    const sameOrigin = audioUrl.origin === new URL(this.config.url).origin;
    for (;;) {
      let audio: Response;
      try {
        audio = await fetch(audioUrl, { headers: sameOrigin ? auth : {}, signal: deadline });
      } catch (err) {
        throw this.failure(`cannot fetch the synthesised audio: ${(err as Error).message}`);
      }
      if (audio.status === 200) return this.save(audio);
      await audio.body?.cancel();
      if (audio.status !== 404 && audio.status !== 202) throw this.failure(`fetching the synthesised audio: HTTP ${audio.status}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
      if (deadline.aborted) throw this.failure('timed out waiting for the synthesised audio');
    }
  }

  /** Streams a response body to a temporary file, refusing more than the upload cap. */
  private async save(res: Response): Promise<string> {
    if (!res.body) throw this.failure('empty answer');
    const out = this.tempPath('tts');
    let size = 0;
    const cap = new Transform({
      transform: (chunk: Buffer, _enc, done) => {
        size += chunk.length;
        done(size > this.config.maxBytes ? new Error(`the audio is larger than ${this.config.maxBytes} bytes`) : null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), cap, createWriteStream(out, { flags: 'wx' }));
    } catch (err) {
      await fs.rm(out, { force: true });
      throw this.failure((err as Error).message);
    }
    return out;
  }

  private failure(detail: string): AppError {
    return new AppError('tts_failed', { provider: this.name, detail });
  }
}
