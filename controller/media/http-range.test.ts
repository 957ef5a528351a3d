import { describe, expect, it } from 'vitest';
import { etagMatches, ifRangeAllows, parseRange } from './http-range.js';

describe('byte ranges', () => {
  it('serves the whole file without a Range header', () => {
    expect(parseRange(undefined, 100)).toEqual({ kind: 'full' });
  });

  it('resumes from an offset to the end (bytes=N-)', () => {
    expect(parseRange('bytes=40-', 100)).toEqual({ kind: 'partial', start: 40, end: 99 });
  });

  it('clips an end beyond the file to its last byte', () => {
    expect(parseRange('bytes=10-1000', 100)).toEqual({ kind: 'partial', start: 10, end: 99 });
    expect(parseRange('bytes=0-0', 100)).toEqual({ kind: 'partial', start: 0, end: 0 });
  });

  it('serves a suffix (bytes=-S), the whole file when S is larger', () => {
    expect(parseRange('bytes=-10', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ kind: 'partial', start: 0, end: 99 });
  });

  it('refuses ranges that start past the end, run backwards or are malformed', () => {
    for (const header of ['bytes=100-', 'bytes=200-300', 'bytes=50-10', 'bytes=-0', 'bytes=-', 'bytes=abc', 'items=0-10', 'bytes=0-10,20-30', 'bytes 0-10', '']) {
      expect(parseRange(header, 100), header).toEqual({ kind: 'unsatisfiable' });
    }
  });

  it('has nothing to serve in a range of an empty file', () => {
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
  });
});

describe('validators', () => {
  const etag = '"abc"';
  it('matches If-None-Match lists, weak tags and *', () => {
    expect(etagMatches('"abc"', etag)).toBe(true);
    expect(etagMatches('"x", W/"abc"', etag)).toBe(true);
    expect(etagMatches('*', etag)).toBe(true);
    expect(etagMatches('"abd"', etag)).toBe(false);
    expect(etagMatches(undefined, etag)).toBe(false);
  });

  it('applies a range only when If-Range names this file', () => {
    expect(ifRangeAllows(undefined, etag)).toBe(true);
    expect(ifRangeAllows('"abc"', etag)).toBe(true);
    expect(ifRangeAllows('"old"', etag)).toBe(false);
    expect(ifRangeAllows('Wed, 21 Oct 2015 07:28:00 GMT', etag)).toBe(false);
  });
});
