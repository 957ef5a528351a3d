// Offline text-to-speech with espeak-ng (Debian package `espeak-ng`, Vietnamese voices `vi`,
// `vi-vn-x-central`, `vi-vn-x-south`). The text goes in on stdin, never on the command line, so
// a text that starts with "-" is read aloud rather than taken for an option.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { AppError } from '../errors.js';
import type { TtsOptions, TtsProvider } from './tts-provider.js';

// Slower than espeak-ng's default 175 words/min: outdoor loudspeakers echo between houses and hills.
const WORDS_PER_MINUTE = '140';

export class EspeakProvider implements TtsProvider {
  readonly name = 'espeak-ng';

  constructor(
    private readonly binary: string,
    private readonly tempPath: (ext: string) => string,
  ) {}

  async synthesize(text: string, options: TtsOptions, signal?: AbortSignal): Promise<string> {
    const out = this.tempPath('wav');
    const result = await new Promise<{ code: number | null; stderr: string; error?: NodeJS.ErrnoException }>((resolve) => {
      const child = spawn(this.binary, ['-v', options.voice, '-s', WORDS_PER_MINUTE, '-w', out, '--stdin'], { stdio: ['pipe', 'ignore', 'pipe'], signal });
      let stderr = '';
      let error: NodeJS.ErrnoException | undefined;
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (c: string) => {
        stderr = (stderr + c).slice(-2000);
      });
      child.on('error', (err: NodeJS.ErrnoException) => {
        error = err;
      });
      child.stdin.on('error', () => {});
      child.stdin.end(text);
      child.on('close', (code) => resolve({ code, stderr, error }));
    });
    if (result.error?.code === 'ENOENT') {
      throw new AppError('tts_unavailable', { provider: this.name, package: 'espeak-ng' });
    }
    if (result.error || result.code !== 0) {
      await fs.rm(out, { force: true });
      if (/voice does not exist/i.test(result.stderr)) throw new AppError('tts_voice_unknown', { provider: this.name, voice: options.voice });
      throw new AppError('tts_failed', { provider: this.name, detail: (result.error?.message ?? result.stderr.trim()) || `exit code ${result.code}` });
    }
    return out;
  }
}
