// HTTP conditional and range requests for immutable, content-addressed files (RFC 9110 §13–14):
// one byte range per request (an agent resuming a download, a browser seeking in a preview),
// ETag = the sha256, so If-None-Match and If-Range need no timestamps.

export type RangeDecision = { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

/** Parses `Range: bytes=N-`, `bytes=N-M` or `bytes=-S` against a file of `size` bytes. */
export function parseRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined) return { kind: 'full' };
  // Only single ranges are served; several ranges or another unit are answered 416.
  const m = /^\s*bytes=(\d*)-(\d*)\s*$/.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'unsatisfiable' };
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (!Number.isSafeInteger(start) || start >= size || end < start) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}

const opaque = (tag: string) => tag.trim().replace(/^W\//, '');

/** If-None-Match: `*` or a list of entity tags (weak comparison, as the RFC asks for GET). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => opaque(t) === etag);
}

/** If-Range: a range applies only when the validator still names this very file (strong comparison). */
export function ifRangeAllows(header: string | undefined, etag: string): boolean {
  return header === undefined || header.trim() === etag;
}
