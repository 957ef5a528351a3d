// The delivery formats: one file per bulletin, mono, in the format the province chose.
// Opus in Ogg at ~24 kb/s is the default: speech stays clear at a third of MP3's size, which
// matters for clusters fetching over weak 4G. MP3 is there for players that cannot decode Opus.
export const DELIVERY_FORMATS = ['opus', 'mp3'] as const;
export type DeliveryFormatName = (typeof DELIVERY_FORMATS)[number];

export interface DeliveryFormat {
  name: DeliveryFormatName;
  ext: string;
  mime: string;
  /** Codec name as ffprobe reports it. */
  codec: string;
  sampleRate: number;
  encoderArgs: string[];
}

export function deliveryFormat(name: DeliveryFormatName, bitrateKbps: number, opusComplexity = 5): DeliveryFormat {
  if (name === 'opus') {
    return {
      name,
      ext: 'opus',
      mime: 'audio/ogg',
      codec: 'opus',
      // Opus always runs at 48 kHz internally.
      sampleRate: 48_000,
      // voip: libopus favours speech intelligibility, which is what a loudspeaker in a field needs;
      // constrained VBR keeps the size close to bitrate × duration, so downloads are predictable.
      // Complexity 5 rather than 10: encoding speech costs ~40% less CPU (the transcode budget is
      // ≥ 15× real time per core), and horn loudspeakers (≈ 300 Hz–6 kHz) leave little of the
      // difference audible.
      encoderArgs: ['-c:a', 'libopus', '-b:a', `${bitrateKbps}k`, '-vbr', 'constrained', '-application', 'voip', '-compression_level', String(opusComplexity), '-f', 'ogg'],
    };
  }
  return {
    name,
    ext: 'mp3',
    mime: 'audio/mpeg',
    codec: 'mp3',
    // MPEG-2 layer III (24 kHz) carries low speech bitrates; MPEG-1 (44.1 kHz) needs ≥ 32 kb/s and sounds better above 64.
    sampleRate: bitrateKbps <= 64 ? 24_000 : 44_100,
    encoderArgs: ['-c:a', 'libmp3lame', '-b:a', `${bitrateKbps}k`, '-f', 'mp3'],
  };
}

/** MIME type of a stored delivery file, from its extension. */
export function mimeOfExtension(ext: string): string {
  return ext === 'opus' ? 'audio/ogg' : ext === 'mp3' ? 'audio/mpeg' : 'application/octet-stream';
}

/** File extension of a stored delivery file, from the `media_assets.format` column. */
export function deliveryExt(format: string): string {
  return format === 'mp3' ? 'mp3' : 'opus';
}
