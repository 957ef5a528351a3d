// Benchmark: how fast Loa normalises and transcodes a bulletin, and what its own machinery costs
// compared with running the same ffmpeg commands by hand.
// 1. Makes a speech source as a district radio would send it (MP3, stereo, 44.1 kHz): espeak-ng's
//    Vietnamese voice looped to length, or a speech-like lavfi signal when espeak-ng is absent.
//    Full size 10 minutes, tiny 10 s.
// 2. Runs Loa's real path (`transcodeToStore`, the job runner's code: child processes at low
//    priority, progress parsing, loudness check, hashing, content-addressed store) and measures
//    wall time and the ffmpeg children's CPU time.
// 3. Replays the identical ffmpeg argument lists directly, one after the other, writing to other
//    files, and reports Loa / by hand.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { resolveMediaBinaries } from '../../controller/media/binaries.js';
import { MediaStore } from '../../controller/media/media-store.js';
import { transcodeToStore } from '../../controller/media/transcode.js';
import { loadConfig } from '../../platform/config.js';
import { transcodeSettingsFrom } from '../../controller/media/media.service.js';
import { childrenCpuSeconds } from '../proc.js';
import type { Figure, Scenario, ScenarioOptions } from '../scenario.js';

const run = promisify(execFile);

const NOTICE =
  'Thông báo của Ủy ban nhân dân xã. Sáng mai, từ bảy giờ, trạm y tế xã tổ chức tiêm chủng cho trẻ em dưới năm tuổi. ' +
  'Đề nghị các gia đình đưa trẻ đến đúng giờ, mang theo sổ tiêm chủng. Do mưa lớn kéo dài, bà con không đi qua ngầm tràn khi nước lên. ' +
  'Ban chỉ huy phòng chống thiên tai đề nghị các thôn kiểm tra nhà cửa, chuẩn bị lương thực và thuốc men. Xin trân trọng thông báo. ';

/** CPU time (ms) used by this process's finished children (the ffmpeg runs). */
function childCpuMs(): number | null {
  const seconds = childrenCpuSeconds();
  return seconds === null ? null : seconds * 1000;
}

async function makeSource(ffmpeg: string, dir: string, seconds: number, log: (m: string) => void): Promise<{ file: string; kind: string }> {
  const out = path.join(dir, 'district-programme.mp3');
  const encode = ['-t', String(seconds), '-ac', '2', '-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '128k', out];
  try {
    const speech = path.join(dir, 'speech.wav');
    await run('espeak-ng', ['-v', 'vi', '-s', '140', '-w', speech, NOTICE.repeat(3)]);
    await run(ffmpeg, ['-v', 'error', '-y', '-stream_loop', '-1', '-i', speech, ...encode]);
    return { file: out, kind: 'espeak-ng Vietnamese speech, looped' };
  } catch {
    log('espeak-ng not available: using a speech-like lavfi signal');
    const lavfi = "anoisesrc=c=pink:a=0.3:r=44100,volume='if(lt(mod(t,0.6),0.35),1,0.15)':eval=frame,lowpass=3500,highpass=120";
    await run(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', lavfi, ...encode]);
    return { file: out, kind: 'speech-like lavfi noise' };
  }
}

function spawnWait(binary: string, args: string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const transcodeScenario: Scenario = async (options: ScenarioOptions) => {
  const durationS = options.tiny ? 10 : Number(options.params.durationS ?? 600);
  const runs = options.tiny ? 1 : Number(options.params.runs ?? 3);
  // The pipeline as configured here (LOA_MEDIA_*, FFMPEG_PATH), as a controller would run it.
  const config = loadConfig(process.env);
  const bin = resolveMediaBinaries(config);
  const settings = transcodeSettingsFrom(config);
  const source = await makeSource(bin.ffmpeg, options.workDir, durationS, options.log);
  options.log(`transcode: ${durationS} s of ${source.kind}, ${runs} run(s) each way`);

  const loaWall: number[] = [];
  const loaCpu: number[] = [];
  const handWall: number[] = [];
  const handCpu: number[] = [];
  const passCpu: number[][] = [];
  let passes = 0;
  let loudness = Number.NaN;
  const viaLoa = async (store: MediaStore) => {
    const cpu0 = childCpuMs();
    const t0 = performance.now();
    const result = await transcodeToStore(bin, source.file, durationS * 1000, store, settings);
    loaWall.push(performance.now() - t0);
    if (cpu0 !== null) loaCpu.push(childCpuMs()! - cpu0);
    passes = result.argv.length;
    loudness = result.loudnessLufs;
    return { argvs: result.argv, tmpDir: store.tmpDir };
  };
  // The same argument lists by hand, at the same niceness (the comparison is about Loa's own
  // machinery, not about priority on a shared machine); only the work files go elsewhere.
  const byHand = async (job: { argvs: string[][]; tmpDir: string }, handDir: string) => {
    const moved = (arg: string) => (arg.startsWith(job.tmpDir) ? path.join(handDir, path.basename(arg)) : arg);
    const prefix = bin.nice && settings.niceLevel > 0 ? [bin.nice, '-n', String(settings.niceLevel), bin.ffmpeg] : [bin.ffmpeg];
    const cpu0 = childCpuMs();
    const t0 = performance.now();
    const perPass: number[] = [];
    for (const argv of job.argvs) {
      const before = childCpuMs();
      const code = await spawnWait(prefix[0]!, [...prefix.slice(1), ...argv.map(moved)]);
      if (code !== 0) throw new Error(`hand-run ffmpeg exited with ${code}`);
      if (before !== null) perPass.push(childCpuMs()! - before);
    }
    handWall.push(performance.now() - t0);
    if (cpu0 !== null) handCpu.push(childCpuMs()! - cpu0);
    passCpu.push(perPass);
  };
  let previous: { argvs: string[][]; tmpDir: string } | null = null;
  for (let i = 0; i < runs; i++) {
    const store = new MediaStore(path.join(options.workDir, `store-${i}`));
    await store.init();
    const handDir = path.join(options.workDir, `hand-${i}`);
    mkdirSync(handDir, { recursive: true });
    // By hand first on odd runs (replaying the previous run's commands: they are deterministic),
    // so a drifting machine load favours neither side.
    if (previous && i % 2 === 1) {
      await byHand(previous, handDir);
      previous = await viaLoa(store);
    } else {
      previous = await viaLoa(store);
      await byHand(previous, handDir);
    }
  }

  const wall = median(loaWall) / 1000;
  const cpu = loaCpu.length ? median(loaCpu) / 1000 : null;
  const ratio = median(loaWall) / median(handWall);
  const perCore = cpu ? durationS / cpu : null;
  const figures: Figure[] = [
    { label: 'transcode speed per core (audio time / ffmpeg CPU time)', value: perCore === null ? null : round(perCore), unit: '× real time', target: '≥ 15', ...(perCore === null ? {} : { met: perCore >= 15 }) },
    { label: 'transcode speed, wall clock', value: round(durationS / wall), unit: '× real time' },
    { label: 'Loa vs the same ffmpeg commands by hand (wall clock)', value: round(ratio, 3), unit: 'ratio', target: '≤ 1.05', met: ratio <= 1.05 },
    { label: 'Loa vs by hand (ffmpeg CPU time)', value: cpu && handCpu.length ? round(cpu / (median(handCpu) / 1000), 3) : null, unit: 'ratio' },
    { label: 'delivered loudness', value: round(loudness, 1), unit: 'LUFS', target: `${settings.target.i} ± 1`, met: Math.abs(loudness - settings.target.i) <= 1 },
  ];
  const notes = [
    `source: ${durationS} s of ${source.kind} (MP3 128 kb/s stereo 44.1 kHz); delivery ${settings.format} ${settings.bitrateKbps} kb/s mono, ${settings.target.i} LUFS`,
    `ffmpeg passes per job: ${passes} (measure, normalise+encode, loudness check${passes > 3 ? ', one correction' : ''})`,
    `ffmpeg CPU per pass, by hand (first run): ${passCpu[0]?.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(' + ') ?? 'n/a'}`,
    `medians of ${runs} run(s): Loa ${wall.toFixed(1)} s wall${cpu ? `, ${cpu.toFixed(1)} s ffmpeg CPU` : ''}; by hand ${(median(handWall) / 1000).toFixed(1)} s wall`,
    `machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at the end (wall-clock figures suffer on a shared machine; CPU time less so)`,
  ];
  return { name: 'transcode', params: { durationS, runs, format: settings.format }, figures, notes };
};

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
