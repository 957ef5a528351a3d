// How a failed ffmpeg run is told to the person who uploaded: what happened to the process and
// the last lines ffmpeg wrote, with our temporary paths taken out.
import { AppError } from '../errors.js';
import { type RunResult, stderrTail } from './ffmpeg-process.js';

export function describeProcessFailure(result: RunResult, paths: string[] = [], tool = 'ffmpeg'): string {
  let tail = stderrTail(result.stderr);
  for (const p of paths) tail = tail.split(p).join('<file>');
  tail = tail.replace(/\[([\w,]+) @ 0x[0-9a-f]+\]\s*/g, '[$1] ');
  const what = result.signal ? `${tool} was killed by ${result.signal}` : `${tool} exited with code ${result.code}`;
  return tail ? `${what}: ${tail}` : what;
}

/** The first thing ffprobe/ffmpeg complained about, for a one-line message. */
export function firstComplaint(stderr: string, file: string): string {
  const line = stderr.split(/\r?\n/).find((l) => l.trim()) ?? '';
  return line
    .split(file)
    .join('')
    .replace(/\[[^\]]*@ 0x[0-9a-f]+\]\s*/g, '')
    .replace(/^:\s*/, '')
    .trim()
    .slice(0, 300);
}

/** A missing or unusable binary is the operator's problem to fix, not the uploader's. */
export function binaryUnavailable(binary: string, err: NodeJS.ErrnoException, setting: string): AppError {
  return new AppError('unavailable', { detail: `${binary}: ${err.code ?? err.message}; set ${setting}` }, { cause: err });
}
