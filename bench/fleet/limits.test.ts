import { describe, expect, it } from 'vitest';
import { agentsWithinFileLimit, explainSocketError, openFileLimit, RESERVED_FILES } from './limits.js';

describe('open-file limit', () => {
  it('reads this process’s limit from /proc', () => {
    const limit = openFileLimit();
    expect(limit).not.toBeNull();
    expect(limit!.soft).toBeGreaterThan(0);
    expect(limit!.hard).toBeGreaterThanOrEqual(limit!.soft);
  });

  it('caps the agents one process connects below its soft limit, leaving room for its own files', () => {
    expect(agentsWithinFileLimit(20_000, { soft: 20_000, hard: 20_000 })).toBe(20_000 - RESERVED_FILES);
    expect(agentsWithinFileLimit(5_000, { soft: 20_000, hard: 20_000 })).toBe(5_000);
    expect(agentsWithinFileLimit(20_000, { soft: 1_024, hard: 1_048_576 })).toBe(1_024 - RESERVED_FILES);
    expect(agentsWithinFileLimit(100, { soft: 200, hard: 200 })).toBe(1);
    expect(agentsWithinFileLimit(20_000, null)).toBe(20_000);
  });

  it('explains the socket errors a fleet on one machine meets', () => {
    expect(explainSocketError('EMFILE')).toMatch(/ulimit -n/);
    expect(explainSocketError('EADDRNOTAVAIL')).toMatch(/source-addresses/);
    expect(explainSocketError('ECONNRESET')).toBeNull();
  });
});
