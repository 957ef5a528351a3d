import { describe, expect, it } from 'vitest';
import { ffmpegArgs } from './ffmpeg.js';
import type { PlayRequest } from './player.js';

const media: PlayRequest = { key: 'k', source: { type: 'media', path: '/c/x', sha256: 'a'.repeat(64) }, volume: 70, durationMs: 5_000 };
const stream: PlayRequest = { key: 's', source: { type: 'stream', url: 'https://radio.example.vn/vov1' }, volume: 100, durationMs: 90_000 };

describe('ffmpegArgs', () => {
  it('feeds media through stdin and sends it to the sound card, paced by the card', () => {
    const args = ffmpegArgs(media, { kind: 'alsa', device: 'hw:0,0' });
    expect(args).not.toContain('-re');
    expect(args.join(' ')).toContain('-i pipe:0 -vn -af volume=0.70 -f alsa hw:0,0');
  });

  it('decodes in real time to nowhere for the null player, and into a WAV for the file player', () => {
    expect(ffmpegArgs(media, { kind: 'null' }).join(' ')).toMatch(/-re -i pipe:0 .* -f null -$/);
    expect(ffmpegArgs(media, { kind: 'file', path: () => '' }, '/d/played/1.wav').slice(-4)).toEqual(['-y', '-f', 'wav', '/d/played/1.wav']);
  });

  it('reads a relay from its URL, reconnecting, for its window only', () => {
    const args = ffmpegArgs(stream, { kind: 'null' }).join(' ');
    expect(args).toContain('-reconnect 1 -reconnect_streamed 1');
    expect(args).toContain('-i https://radio.example.vn/vov1 -t 90.000');
  });
});
