// The one transcode path: measure, normalise + encode, check, store. The job runner and the
// benchmark (bench/scenarios/transcode.ts) both call `transcodeToStore`, so the figures the
// benchmark reports are those of the code that runs in production.
import fs from 'node:fs/promises';
import type { MediaBinaries } from './binaries.js';
import { describeProcessFailure } from './ffmpeg-errors.js';
import { runProcess } from './ffmpeg-process.js';
import { type DeliveryFormat, type DeliveryFormatName, deliveryFormat } from './formats.js';
import { encodeArgs, type LoudnessTarget, type LoudnormMeasurement, linearGainDb, measureArgs, parseEbur128Measurement, parseIntegratedLoudness, parseLoudnormJson, SILENCE_LUFS, verifyArgs } from './loudnorm.js';
import type { MediaStore } from './media-store.js';

export interface TranscodeSettings {
  format: DeliveryFormatName;
  bitrateKbps: number;
  /** libopus complexity 0–10 (Opus only). */
  opusComplexity: number;
  target: LoudnessTarget;
  niceLevel: number;
}

export interface TranscodeResult {
  sha256: string;
  ext: string;
  path: string;
  sizeBytes: number;
  /** The same bytes were already stored (another bulletin with the same audio). */
  existed: boolean;
  codec: string;
  channels: number;
  sampleRate: number;
  bitrate: number | null;
  durationMs: number;
  /** Integrated loudness of the delivered file itself (pass 3, ebur128). */
  loudnessLufs: number;
  /** True peak before encoding: pass 1's plus the linear gain, or loudnorm's report (the lossy encoder may add up to ~1.5 dB). */
  truePeakDbtp: number | null;
  measured: LoudnormMeasurement;
  /** The ffmpeg argument lists as run, in order (the benchmark replays them by hand). */
  argv: string[][];
}

/** A transcode that failed for a reason the uploader should read. */
export class TranscodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TranscodeError';
  }
}

/** Identifies the output of a given original under given settings, so identical work is done once. */
export function settingsKey(s: Pick<TranscodeSettings, 'format' | 'bitrateKbps' | 'opusComplexity' | 'target'>): string {
  return `v1:${s.format}:${s.bitrateKbps}k:c${s.format === 'opus' ? s.opusComplexity : '-'}:I${s.target.i}:LRA${s.target.lra}:TP${s.target.tp}`;
}

// Share of the whole job each pass takes (pass 2 also encodes; pass 3 is a quick decode), for one
// progress figure.
const PASS1_SHARE = 0.12;
const PASS2_SHARE = 0.83;
/**
 * EBU R128 permits ±1 LU around the target where exact normalisation is impractical; a
 * difference under 1 LU is below what listeners notice. Within it the file is kept: a correction
 * costs a whole second encode (a 24 kb/s Opus encode alone drops ~0.4 LU of speech, so a
 * tighter tolerance would re-encode nearly every bulletin).
 */
const LOUDNESS_TOLERANCE_LU = 1;
// One correction at most: each costs a whole encode.
const MAX_CORRECTIONS = 1;

export async function transcodeToStore(
  bin: MediaBinaries,
  input: string,
  inputDurationMs: number,
  store: MediaStore,
  settings: TranscodeSettings,
  options: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<TranscodeResult> {
  const format = deliveryFormat(settings.format, settings.bitrateKbps, settings.opusComplexity);
  const run = { niceLevel: settings.niceLevel, niceBinary: bin.nice, signal: options.signal };
  const report = (base: number, share: number) => (ms: number) => {
    if (inputDurationMs > 0) options.onProgress?.(Math.min(0.999, base + share * Math.min(1, ms / inputDurationMs)));
  };

  const pass1 = measureArgs(input);
  const first = await runProcess(bin.ffmpeg, pass1, { ...run, onProgress: report(0, PASS1_SHARE) });
  throwIfFailed(first, bin.ffmpeg, [input]);
  const measured = parseEbur128Measurement(first.stderr);
  if (!measured) throw new TranscodeError('ffmpeg did not report a loudness measurement (EBU R128 scan, pass 1)');
  if (!Number.isFinite(measured.inputI) || measured.inputI <= SILENCE_LUFS) {
    throw new TranscodeError(`the audio is silent (integrated loudness ${measured.inputI} LUFS): nothing to broadcast`);
  }

  // Pass 2 (normalise + encode) and pass 3 (measure the encoded file). loudnorm's dynamic mode
  // falls short on short, peaky speech, and a low-bitrate encoder loses a little energy, so the
  // result is measured, not assumed; when it misses the target by more than the tolerance, pass 2
  // runs once more with the target moved by the error, and the closer file is kept.
  const argv = [pass1];
  const attempts: Array<{ temp: string; loudness: number; truePeak: number | null }> = [];
  let aimI = settings.target.i;
  try {
    for (let attempt = 0; attempt <= MAX_CORRECTIONS; attempt++) {
      const temp = store.tempPath(format.ext);
      const pass2 = encodeArgs(input, temp, measured, { ...settings.target, i: aimI }, format);
      argv.push(pass2);
      const second = await runProcess(bin.ffmpeg, pass2, { ...run, onProgress: attempt === 0 ? report(PASS1_SHARE, PASS2_SHARE) : undefined });
      attempts.push({ temp, loudness: Number.NaN, truePeak: null });
      throwIfFailed(second, bin.ffmpeg, [input, temp]);
      const pass3 = verifyArgs(temp);
      argv.push(pass3);
      const third = await runProcess(bin.ffmpeg, pass3, run);
      throwIfFailed(third, bin.ffmpeg, [temp]);
      const loudness = parseIntegratedLoudness(third.stderr);
      if (loudness === null || !Number.isFinite(loudness)) throw new TranscodeError('could not measure the loudness of the encoded file');
      const gain = linearGainDb(measured, { ...settings.target, i: aimI });
      // One gain applied: the true peak is pass 1's plus that gain; otherwise loudnorm reports it.
      const truePeak = gain === null ? (parseLoudnormJson(second.stderr)?.outputTp ?? null) : measured.inputTp + gain;
      attempts[attempts.length - 1] = { temp, loudness, truePeak };
      const error = settings.target.i - loudness;
      if (Math.abs(error) <= LOUDNESS_TOLERANCE_LU) break;
      aimI = Math.round(Math.min(-5, Math.max(-70, aimI + error)) * 100) / 100;
    }
    const best = attempts.reduce((a, b) => (Math.abs(b.loudness - settings.target.i) < Math.abs(a.loudness - settings.target.i) ? b : a));
    const facts = await probeDelivery(bin, best.temp, format);
    const adopted = await store.adoptDelivery(best.temp, format.ext);
    options.onProgress?.(1);
    return {
      sha256: adopted.sha256,
      ext: format.ext,
      path: adopted.path,
      sizeBytes: adopted.sizeBytes,
      existed: adopted.existed,
      ...facts,
      loudnessLufs: best.loudness,
      truePeakDbtp: best.truePeak !== null && Number.isFinite(best.truePeak) ? Math.round(best.truePeak * 100) / 100 : null,
      measured,
      argv,
    };
  } finally {
    // Whatever happened, no work file outlives the job (the adopted one was renamed away).
    await Promise.all(attempts.map((a) => fs.rm(a.temp, { force: true })));
  }
}

function throwIfFailed(result: Awaited<ReturnType<typeof runProcess>>, binary: string, paths: string[]): void {
  if (result.spawnError) throw new TranscodeError(`cannot run ${binary}: ${result.spawnError.code ?? result.spawnError.message} (set FFMPEG_PATH)`);
  if (result.aborted) throw new DOMException('transcode aborted', 'AbortError');
  if (result.code !== 0) throw new TranscodeError(describeProcessFailure(result, paths));
}

interface ProbedDelivery {
  codec: string;
  channels: number;
  sampleRate: number;
  bitrate: number | null;
  durationMs: number;
}

/** ffprobe the finished file: a process that exited 0 but wrote garbage must not be stored. */
async function probeDelivery(bin: MediaBinaries, file: string, format: DeliveryFormat): Promise<ProbedDelivery> {
  const probe = await runProcess(bin.ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { captureStdout: true });
  let parsed: { streams?: Array<Record<string, string | number>>; format?: Record<string, string> } = {};
  try {
    parsed = JSON.parse(probe.stdout || '{}');
  } catch {}
  const audio = parsed.streams?.find((s) => s.codec_type === 'audio');
  const durationS = Number(parsed.format?.duration ?? audio?.duration);
  if (probe.code !== 0 || !audio || audio.codec_name !== format.codec || !(durationS > 0)) {
    throw new TranscodeError(`the encoded file is not valid ${format.codec} audio: ${describeProcessFailure(probe, [file], 'ffprobe')}`);
  }
  const bitrate = Number(parsed.format?.bit_rate ?? audio.bit_rate);
  return {
    codec: String(audio.codec_name),
    channels: Number(audio.channels),
    sampleRate: Number(audio.sample_rate),
    bitrate: Number.isFinite(bitrate) && bitrate > 0 ? Math.round(bitrate) : null,
    durationMs: Math.round(durationS * 1000),
  };
}
