// Where ffmpeg and ffprobe come from: FFMPEG_PATH / FFPROBE_PATH when set, else the binaries
// shipped inside @ffmpeg-installer/ffmpeg and @ffprobe-installer/ffprobe. (Not ffmpeg-static: its
// installer downloads from the internet, which fails on offline province networks.)
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface MediaBinaries {
  ffmpeg: string;
  ffprobe: string;
  /** `nice` from coreutils, when present: the child starts at low priority before its first instruction. */
  nice: string | null;
}

const require = createRequire(import.meta.url);

function fromPackage(name: string): string | null {
  try {
    // The installer packages throw at require time when no binary exists for this platform.
    return (require(name) as { path: string }).path;
  } catch {
    return null;
  }
}

export function resolveMediaBinaries(config: { ffmpegPath?: string | undefined; ffprobePath?: string | undefined }): MediaBinaries {
  return {
    ffmpeg: config.ffmpegPath ?? fromPackage('@ffmpeg-installer/ffmpeg') ?? 'ffmpeg',
    ffprobe: config.ffprobePath ?? fromPackage('@ffprobe-installer/ffprobe') ?? 'ffprobe',
    nice: ['/usr/bin/nice', '/bin/nice'].find((p) => existsSync(p)) ?? null,
  };
}
