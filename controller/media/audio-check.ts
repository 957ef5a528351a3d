// The check every upload passes before anything else is done with it: ffprobe says what the file
// claims to be, then a full decode (to nowhere) proves the audio is really there and as long as
// its header says. A header that promises 8 minutes over 41 seconds of data is a truncated
// upload (a phone that lost its connection), reported as "cut short at 00:41".
import { AppError } from '../errors.js';
import { runProcess } from './ffmpeg-process.js';
import { binaryUnavailable, describeProcessFailure, firstComplaint } from './ffmpeg-errors.js';

export interface AudioFacts {
  formatName: string;
  mime: string;
  codec: string;
  channels: number | null;
  sampleRate: number | null;
  /** Decoded duration: what will really be heard. */
  durationMs: number;
  /** What the container header claims, when it says (browser recordings often do not). */
  declaredDurationMs: number | null;
}

export interface CheckLimits {
  maxDurationS: number;
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  channels?: number;
  sample_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
}
interface ProbeOutput {
  streams?: ProbeStream[];
  format?: { format_name?: string; duration?: string };
}

const MIME_BY_FORMAT: Record<string, string> = {
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  'matroska,webm': 'audio/webm',
  'mov,mp4,m4a,3gp,3g2,mj2': 'audio/mp4',
  wav: 'audio/wav',
  flac: 'audio/flac',
  aac: 'audio/aac',
  amr: 'audio/amr',
};

/** "00:41", or "1:02:03" from an hour on: how a person reads a position in a recording. */
export function formatDuration(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

const seconds = (value: string | undefined): number | null => {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? Math.round(n * 1000) : null;
};

/** A decoded duration this much shorter than the header's is a truncated file, not rounding. */
export function isCutShort(declaredMs: number | null, decodedMs: number): boolean {
  if (declaredMs === null) return false;
  return declaredMs - decodedMs > Math.max(1000, declaredMs * 0.02);
}

export async function checkAudio(
  bin: { ffmpeg: string; ffprobe: string },
  file: string,
  displayName: string,
  sizeBytes: number,
  limits: CheckLimits,
): Promise<AudioFacts> {
  const name = displayName;
  if (sizeBytes === 0) throw new AppError('media_empty', { name });
  const probe = await runProcess(bin.ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { captureStdout: true });
  if (probe.spawnError) throw binaryUnavailable(bin.ffprobe, probe.spawnError, 'FFPROBE_PATH');
  let parsed: ProbeOutput = {};
  try {
    parsed = JSON.parse(probe.stdout || '{}') as ProbeOutput;
  } catch {}
  if (probe.code !== 0 || !parsed.format) {
    throw new AppError('media_not_audio', { name, detail: firstComplaint(probe.stderr, file) || 'unknown format' });
  }
  const streams = parsed.streams ?? [];
  const audio = streams.find((s) => s.codec_type === 'audio');
  if (!audio) {
    const held = streams.map((s) => `${s.disposition?.attached_pic ? 'image' : (s.codec_type ?? 'data')} (${s.codec_name ?? '?'})`);
    throw new AppError('media_no_audio_stream', { name, streams: held.length ? held.join(', ') : 'nothing' });
  }
  const declared = seconds(audio.duration) ?? seconds(parsed.format.duration);
  const limitMs = limits.maxDurationS * 1000;
  const tooLong = (ms: number) => new AppError('media_too_long', { name, duration: formatDuration(ms), limit: formatDuration(limitMs) });
  if (declared !== null && declared > limitMs) throw tooLong(declared);

  // Decode the whole first audio stream to nowhere; stop as soon as it passes the cap (a file
  // without a duration header could otherwise keep us decoding for hours).
  let decodedMs = 0;
  const controller = new AbortController();
  const decode = await runProcess(
    bin.ffmpeg,
    ['-hide_banner', '-nostdin', '-nostats', '-v', 'error', '-progress', 'pipe:1', '-i', file, '-map', '0:a:0', '-vn', '-sn', '-dn', '-f', 'null', '-'],
    {
      signal: controller.signal,
      onProgress: (ms) => {
        decodedMs = Math.max(decodedMs, ms);
        if (decodedMs > limitMs + 1000) controller.abort();
      },
    },
  );
  if (decode.spawnError) throw binaryUnavailable(bin.ffmpeg, decode.spawnError, 'FFMPEG_PATH');
  if (decode.aborted) throw tooLong(decodedMs);
  if (decode.code !== 0) throw new AppError('media_undecodable', { name, detail: describeProcessFailure(decode, [file]) });
  if (decodedMs <= 0) throw new AppError('media_undecodable', { name, detail: firstComplaint(decode.stderr, file) || 'no audio samples' });
  if (decodedMs > limitMs) throw tooLong(decodedMs);
  if (isCutShort(declared, decodedMs)) {
    throw new AppError('media_truncated', { name, at: formatDuration(decodedMs), declared: formatDuration(declared!) });
  }
  const formatName = parsed.format.format_name ?? 'unknown';
  return {
    formatName,
    mime: MIME_BY_FORMAT[formatName] ?? 'application/octet-stream',
    codec: audio.codec_name ?? 'unknown',
    channels: audio.channels ?? null,
    sampleRate: audio.sample_rate ? Number(audio.sample_rate) : null,
    durationMs: decodedMs,
    declaredDurationMs: declared,
  };
}
