import { describe, expect, it } from 'vitest';
import { deliveryFormat } from './formats.js';
import { encodeArgs, linearGainDb, measureArgs, parseEbur128Measurement, parseIntegratedLoudness, parseLoudnormJson } from './loudnorm.js';

const target = { i: -16, lra: 7, tp: -2 };
const pass1Stderr = `size=N/A time=00:00:08.00 bitrate=N/A speed= 120x
[Parsed_loudnorm_2 @ 0x2f374b40]
{
	"input_i" : "-27.38",
	"input_tp" : "-11.74",
	"input_lra" : "0.40",
	"input_thresh" : "-37.38",
	"output_i" : "-16.01",
	"output_tp" : "-2.00",
	"output_lra" : "0.30",
	"output_thresh" : "-26.01",
	"normalization_type" : "dynamic",
	"target_offset" : "0.01"
}
`;

const ebur128Stderr = `[Parsed_ebur128_2 @ 0x21855b40] Summary:

  Integrated loudness:
    I:         -28.5 LUFS
    Threshold: -38.6 LUFS

  Loudness range:
    LRA:         1.7 LU
    Threshold: -48.6 LUFS
    LRA low:   -29.5 LUFS
    LRA high:  -27.8 LUFS

  True peak:
    Peak:      -12.2 dBFS
`;

describe('two-pass loudnorm', () => {
  it('reads pass 1 from the EBU R128 scanner: integrated loudness, its threshold, range and true peak', () => {
    expect(parseEbur128Measurement(ebur128Stderr)).toMatchObject({ inputI: -28.5, inputThresh: -38.6, inputLra: 1.7, inputTp: -12.2, targetOffset: 0 });
    expect(parseEbur128Measurement(ebur128Stderr.replace('-12.2 dBFS', '-inf dBFS'))?.inputTp).toBe(Number.NEGATIVE_INFINITY);
    expect(parseEbur128Measurement('Integrated loudness: nothing')).toBeNull();
    expect(parseEbur128Measurement('')).toBeNull();
  });

  it('reads the measurement loudnorm prints (numbers as strings in ffmpeg 4.1)', () => {
    expect(parseLoudnormJson(pass1Stderr)).toEqual({
      inputI: -27.38,
      inputTp: -11.74,
      inputLra: 0.4,
      inputThresh: -37.38,
      outputI: -16.01,
      outputTp: -2,
      targetOffset: 0.01,
      normalizationType: 'dynamic',
    });
    expect(parseLoudnormJson('no json here')).toBeNull();
  });

  it('reads -inf for silence', () => {
    expect(parseLoudnormJson(pass1Stderr.replace('"-27.38"', '"-inf"'))?.inputI).toBe(Number.NEGATIVE_INFINITY);
  });

  it('measures in pass 1 and applies the measurement linearly in pass 2, mono, to the delivery format', () => {
    const p1 = measureArgs('in.m4a');
    expect(p1.join(' ')).toContain('-af aformat=channel_layouts=mono,acompressor=');
    expect(p1.join(' ')).toMatch(/ebur128=peak=true:framelog=verbose -f null -$/);
    const m = parseLoudnormJson(pass1Stderr)!;
    const p2 = encodeArgs('in.m4a', 'out.opus', m, target, deliveryFormat('opus', 24));
    const filter = p2[p2.indexOf('-af') + 1]!;
    expect(filter).toContain('loudnorm=I=-16:LRA=7:TP=-2:measured_I=-27.38:measured_LRA=0.4:measured_TP=-11.74:measured_thresh=-37.38:offset=0.01:linear=true');
    expect(filter).toMatch(/aresample=48000$/);
    expect(p2.join(' ')).toContain('-ac 1 -c:a libopus -b:a 24k');
    expect(p2.at(-1)).toBe('out.opus');
    expect(p2).toContain('-progress');
  });

  it("applies one gain with `volume` where loudnorm's linear rule allows it, and loudnorm where peaks forbid it", () => {
    const m = parseLoudnormJson(pass1Stderr)!;
    // −11.74 dBTP + 11.38 dB would exceed the −2 dBTP ceiling: loudnorm (dynamic) must do it.
    expect(linearGainDb(m, target)).toBeNull();
    const calm = { ...m, inputTp: -20 };
    expect(linearGainDb(calm, target)).toBe(11.38);
    const filter = encodeArgs('in.m4a', 'out.opus', calm, target, deliveryFormat('opus', 24)).join(' ');
    expect(filter).toContain('acompressor=threshold=0.063:ratio=3:attack=5:release=150,volume=11.38dB,aresample=48000');
    expect(filter).not.toContain('loudnorm');
    expect(linearGainDb({ ...calm, inputI: Number.NEGATIVE_INFINITY }, target)).toBeNull();
  });

  it('keeps measured values inside the ranges loudnorm accepts', () => {
    const m = { ...parseLoudnormJson(pass1Stderr)!, inputI: -120, inputThresh: -130 };
    const filter = encodeArgs('a', 'b', m, target, deliveryFormat('mp3', 48)).join(' ');
    expect(filter).toContain('measured_I=-99');
    expect(filter).toContain('measured_thresh=-99');
    expect(filter).toContain('-c:a libmp3lame -b:a 48k');
    expect(filter).toContain('aresample=24000');
  });

  it('reads the integrated loudness from the ebur128 summary', () => {
    const stderr = '[Parsed_ebur128_0 @ 0x1] Summary:\n\n  Integrated loudness:\n    I:         -16.3 LUFS\n    Threshold: -26.3 LUFS\n';
    expect(parseIntegratedLoudness(stderr)).toBe(-16.3);
    expect(parseIntegratedLoudness('nothing')).toBeNull();
  });
});
