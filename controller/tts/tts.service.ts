// Picks the configured text-to-speech provider and turns its output into a received file, the
// same shape an upload has, so a text bulletin goes through the same checks and transcode.
import fs from 'node:fs/promises';
import type { Config } from '../../platform/config.js';
import { hashFile, type MediaStore } from '../media/media-store.js';
import type { ReceivedFile } from '../media/upload-intake.js';
import { EspeakProvider } from './espeak-provider.js';
import { HttpTtsProvider } from './http-provider.js';
import type { TtsProvider } from './tts-provider.js';

type TtsConfig = Pick<Config, 'ttsProvider' | 'ttsEspeakPath' | 'ttsVoice' | 'ttsHttpUrl' | 'ttsHttpToken' | 'ttsHttpTimeoutS' | 'mediaMaxUploadMb'>;

export function createTtsProvider(config: TtsConfig, store: MediaStore): TtsProvider {
  const tempPath = (ext: string) => store.tempPath(ext);
  if (config.ttsProvider === 'http' && config.ttsHttpUrl) {
    return new HttpTtsProvider(
      { url: config.ttsHttpUrl, token: config.ttsHttpToken, timeoutMs: config.ttsHttpTimeoutS * 1000, maxBytes: config.mediaMaxUploadMb * 1_048_576 },
      tempPath,
    );
  }
  return new EspeakProvider(config.ttsEspeakPath, tempPath);
}

export class TtsService {
  constructor(
    readonly provider: TtsProvider,
    readonly defaultVoice: string,
    private readonly store: MediaStore,
  ) {}

  /** Speaks the text into a temporary file; the caller owns (adopts or removes) the file. */
  async speak(text: string, options: { voice?: string; language: string }): Promise<ReceivedFile & { voice: string }> {
    await this.store.init();
    const voice = options.voice ?? this.defaultVoice;
    const tempPath = await this.provider.synthesize(text, { voice, language: options.language });
    try {
      const [sha256, stat] = await Promise.all([hashFile(tempPath), fs.stat(tempPath)]);
      return { tempPath, sha256, sizeBytes: stat.size, filename: `tts-${this.provider.name}.audio`, mimetype: 'application/octet-stream', voice };
    } catch (err) {
      await fs.rm(tempPath, { force: true });
      throw err;
    }
  }
}
