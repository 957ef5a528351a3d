// Two-pass EBU R128 loudness normalisation. Pass 1 measures the input with ffmpeg's EBU R128
// scanner (ebur128 with true peak: integrated loudness, its gating threshold, loudness range —
// the four values loudnorm's own first pass reports, at a quarter of the CPU, because loudnorm
// measures at 192 kHz). Pass 2 applies the measurement: one gain (`volume`) where the peaks allow,
// exactly loudnorm's linear mode, and loudnorm with the measured values where a single gain would
// push the true peak over the ceiling.
// Both passes first downmix to mono (a cluster plays one channel; measuring the stereo signal
// would put a mono result ~3 LU away from the target), then compress gently: 3:1 above −24 dBFS,
// 5 ms attack, 150 ms release — what a broadcast speech processor does before a transmitter.
// Speech has a high peak-to-loudness ratio; without this, loudnorm must limit hard to keep the
// true peak under the ceiling and ends 1 LU or more below the target (measured on espeak-ng
// speech), and quiet syllables drown in street noise.
import type { DeliveryFormat } from './formats.js';

export interface LoudnessTarget {
  /** Integrated loudness, LUFS. */
  i: number;
  /** Loudness range, LU. */
  lra: number;
  /** Maximum true peak, dBTP. */
  tp: number;
}

export interface LoudnormMeasurement {
  inputI: number;
  inputTp: number;
  inputLra: number;
  inputThresh: number;
  outputI: number;
  outputTp: number;
  targetOffset: number;
  normalizationType: string;
}

/** Below this the "bulletin" is silence (or a dead microphone): nothing to normalise. */
export const SILENCE_LUFS = -70;

const COMMON = ['-hide_banner', '-nostdin', '-nostats', '-progress', 'pipe:1'];
const AUDIO_ONLY = ['-map', '0:a:0', '-vn', '-sn', '-dn'];
const target = (t: LoudnessTarget) => `I=${t.i}:LRA=${t.lra}:TP=${t.tp}`;
// 0.063 ≈ −24 dBFS (ffmpeg 4.1's acompressor takes a linear threshold).
const SPEECH_CHAIN = 'aformat=channel_layouts=mono,acompressor=threshold=0.063:ratio=3:attack=5:release=150';
// loudnorm refuses measured values outside these ranges (e.g. -inf for a near-silent file).
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function measureArgs(input: string): string[] {
  return [...COMMON, '-i', input, ...AUDIO_ONLY, '-af', `${SPEECH_CHAIN},ebur128=peak=true:framelog=verbose`, '-f', 'null', '-'];
}

/**
 * loudnorm's own linear-mode rule (af_loudnorm.c): when the measured true peak plus the gain
 * that reaches the target stays under the ceiling, the whole file takes that one gain. Returns
 * the gain in dB, or null when loudnorm would have to switch to its dynamic mode.
 */
export function linearGainDb(m: LoudnormMeasurement, t: LoudnessTarget): number | null {
  const valid = [m.inputI, m.inputTp, m.inputLra, m.inputThresh].every(Number.isFinite) && m.inputI > SILENCE_LUFS;
  if (!valid) return null;
  const gain = t.i - m.inputI;
  return m.inputTp + gain <= t.tp ? Math.round(gain * 100) / 100 : null;
}

export function encodeArgs(input: string, output: string, m: LoudnormMeasurement, t: LoudnessTarget, format: DeliveryFormat): string[] {
  // Where one gain suffices, apply it with `volume` at the source rate: the same result loudnorm's
  // linear mode gives, without its 192 kHz round trip — most of the pipeline's CPU time (pass 2
  // took ~47 s of CPU per 10 minutes of speech through loudnorm, ~10 s this way).
  const gain = linearGainDb(m, t);
  const filter =
    gain === null
      ? `${SPEECH_CHAIN},${dynamicLoudnorm(m, t)},aresample=${format.sampleRate}`
      : `${SPEECH_CHAIN},volume=${gain}dB,aresample=${format.sampleRate}`;
  return [
    ...COMMON,
    '-i',
    input,
    ...AUDIO_ONLY,
    '-af',
    filter,
    '-ac',
    '1',
    ...format.encoderArgs,
    // No tags and no encoder version string: the same audio always gives the same bytes (and hash).
    '-map_metadata',
    '-1',
    '-fflags',
    '+bitexact',
    '-flags:a',
    '+bitexact',
    '-y',
    output,
  ];
}

/** Pass 2 through loudnorm itself, with pass 1's measurements (it works at 192 kHz internally). */
function dynamicLoudnorm(m: LoudnormMeasurement, t: LoudnessTarget): string {
  const measured = [
    `measured_I=${clamp(m.inputI, -99, 0)}`,
    `measured_LRA=${clamp(m.inputLra, 0, 99)}`,
    `measured_TP=${clamp(m.inputTp, -99, 99)}`,
    `measured_thresh=${clamp(m.inputThresh, -99, 0)}`,
    `offset=${clamp(m.targetOffset, -99, 99)}`,
  ].join(':');
  return `loudnorm=${target(t)}:${measured}:linear=true:print_format=json`;
}

/** Pass 3: the integrated loudness of the encoded file itself (EBU R128 scanner, no frame log). */
export function verifyArgs(file: string): string[] {
  return ['-hide_banner', '-nostdin', '-nostats', '-i', file, '-map', '0:a:0', '-af', 'ebur128=framelog=verbose', '-f', 'null', '-'];
}

export function parseIntegratedLoudness(stderr: string): number | null {
  const summary = stderr.slice(stderr.lastIndexOf('Integrated loudness:'));
  const m = /I:\s+(-?[\d.]+|-inf) LUFS/.exec(summary);
  if (!m) return null;
  return m[1] === '-inf' ? Number.NEGATIVE_INFINITY : Number(m[1]);
}

/**
 * Pass 1's measurement from the ebur128 summary:
 *   Integrated loudness:  I: -28.5 LUFS  Threshold: -38.6 LUFS
 *   Loudness range:  LRA: 1.7 LU ...  True peak:  Peak: -12.2 dBFS
 */
export function parseEbur128Measurement(stderr: string): LoudnormMeasurement | null {
  const at = stderr.lastIndexOf('Integrated loudness:');
  if (at < 0) return null;
  const summary = stderr.slice(at);
  const num = (re: RegExp) => {
    const m = re.exec(summary);
    if (!m) return Number.NaN;
    return m[1] === '-inf' ? Number.NEGATIVE_INFINITY : Number(m[1]);
  };
  const value = '(-?[\\d.]+|-inf)';
  const inputI = num(new RegExp(`I:\\s+${value} LUFS`));
  const inputThresh = num(new RegExp(`I:[^\\n]*\\n?\\s*Threshold:\\s+${value} LUFS`));
  const inputLra = num(new RegExp(`LRA:\\s+${value} LU`));
  const inputTp = num(new RegExp(`Peak:\\s+${value} dBFS`));
  if (Number.isNaN(inputI) || Number.isNaN(inputTp)) return null;
  return { inputI, inputTp, inputLra, inputThresh, outputI: Number.NaN, outputTp: Number.NaN, targetOffset: 0, normalizationType: 'measured' };
}

/** The JSON block loudnorm prints at the end of its run (ffmpeg 4.1 writes numbers as strings). */
export function parseLoudnormJson(stderr: string): LoudnormMeasurement | null {
  const marker = stderr.lastIndexOf('Parsed_loudnorm');
  if (marker < 0) return null;
  const start = stderr.indexOf('{', marker);
  const end = stderr.indexOf('}', start);
  if (start < 0 || end < 0) return null;
  let raw: Record<string, string>;
  try {
    raw = JSON.parse(stderr.slice(start, end + 1)) as Record<string, string>;
  } catch {
    return null;
  }
  const n = (key: string) => {
    const v = raw[key];
    if (v === '-inf') return Number.NEGATIVE_INFINITY;
    if (v === 'inf') return Number.POSITIVE_INFINITY;
    return Number(v);
  };
  return {
    inputI: n('input_i'),
    inputTp: n('input_tp'),
    inputLra: n('input_lra'),
    inputThresh: n('input_thresh'),
    outputI: n('output_i'),
    outputTp: n('output_tp'),
    targetOffset: n('target_offset'),
    normalizationType: raw.normalization_type ?? 'unknown',
  };
}

