import { describe, expect, it } from 'vitest';
import { formatDuration, isCutShort } from './audio-check.js';
import { parseOutTime } from './ffmpeg-process.js';
import { safeDisplayName } from './upload-intake.js';

describe('upload checks', () => {
  it('writes durations as a person reads them', () => {
    expect(formatDuration(41_900)).toBe('00:41');
    expect(formatDuration(8 * 60_000)).toBe('08:00');
    expect(formatDuration(2 * 3_600_000 + 13 * 60_000 + 5_000)).toBe('2:13:05');
  });

  it('calls a file cut short when it decodes well short of what its header says', () => {
    expect(isCutShort(480_000, 41_000)).toBe(true);
    expect(isCutShort(8_046, 8_000)).toBe(false);
    expect(isCutShort(600_000, 595_000)).toBe(false);
    expect(isCutShort(null, 1_000)).toBe(false);
  });

  it("reads ffmpeg's -progress out_time", () => {
    expect(parseOutTime('00:01:02.500000')).toBe(62_500);
    expect(parseOutTime('-577014:32:22.775808')).toBeNull();
    expect(parseOutTime('N/A')).toBeNull();
  });

  it('reduces a client file name to a safe label', () => {
    expect(safeDisplayName('../../etc/passwd')).toBe('passwd');
    expect(safeDisplayName('C:\\Users\\x\\bản tin.mp3')).toBe('bản tin.mp3');
    expect(safeDisplayName('..')).toBe('audio');
    expect(safeDisplayName('\u0000.\u0007hidden.mp3')).toBe('hidden.mp3');
    expect(safeDisplayName(undefined)).toBe('audio');
    expect(safeDisplayName('a'.repeat(500))).toHaveLength(200);
  });
});
