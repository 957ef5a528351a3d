// Text-to-speech providers: text in, an audio file (any format ffmpeg reads) out. The result goes
// through the same check → normalise → transcode path as an upload. Which provider runs is
// configuration (LOA_TTS_PROVIDER): espeak-ng offline, or an HTTP service (docs/media.md).

export interface TtsOptions {
  /** Provider voice name, e.g. espeak-ng's `vi`, `vi-vn-x-central`, `vi-vn-x-south`. */
  voice: string;
  /** The bulletin's language (vi, tay, nung, …); a provider may pick its model from it. */
  language: string;
}

export interface TtsProvider {
  readonly name: string;
  /** Writes the spoken text to a new temporary file and returns its path (the caller removes it). */
  synthesize(text: string, options: TtsOptions, signal?: AbortSignal): Promise<string>;
}

/** Longest text accepted in one bulletin (about 10 minutes of speech). */
export const TTS_MAX_CHARS = 10_000;
