import { describe, expect, it } from 'vitest';
import { overlapping, type ProgrammeOccurrence, programmeItems, sequencePriority } from './programme.js';

const MIN = 60_000;
const sha = (c: string) => c.repeat(64);
const occ = (id: number, cls: ProgrammeOccurrence['class'], startMin: number, durMin: number, pieces = 1): ProgrammeOccurrence => ({
  id,
  scheduleId: id * 10,
  title: `o${id}`,
  startAt: startMin * MIN,
  durationMs: durMin * MIN,
  class: cls,
  volume: null,
  items: Array.from({ length: pieces }, (_, i) => ({ source: { type: 'media' as const, sha256: sha(String(i)), url: `/api/v1/media/${sha(String(i))}` }, durationMs: (durMin * MIN) / pieces })),
});

describe('a device programme', () => {
  it('plays a playlist consecutively, with item ids occurrenceId:index', () => {
    const items = programmeItems([occ(7, 'normal', 10, 6, 3)], new Map());
    expect(items.map((i) => [i.id, i.occurrenceId, i.startAt / MIN, i.durationMs / MIN])).toEqual([
      ['7:0', '7', 10, 2],
      ['7:1', '7', 12, 2],
      ['7:2', '7', 14, 2],
    ]);
  });

  it('leaves a higher class overlapping a lower one alone (the agent interrupts)', () => {
    const starts = sequencePriority([occ(1, 'normal', 0, 30), occ(2, 'emergency', 5, 5), occ(3, 'priority', 10, 5)], new Map());
    expect([...starts.entries()].sort()).toEqual([
      [1, 0],
      [2, 5 * MIN],
      [3, 10 * MIN],
    ]);
  });

  it('sequences clashing priority items by planned start when the commune has not decided', () => {
    const starts = sequencePriority([occ(1, 'priority', 0, 10), occ(2, 'priority', 5, 10), occ(3, 'priority', 12, 5), occ(4, 'priority', 60, 5)], new Map());
    expect(starts.get(1)).toBe(0);
    expect(starts.get(2)).toBe(10 * MIN);
    expect(starts.get(3)).toBe(20 * MIN);
    expect(starts.get(4)).toBe(60 * MIN);
  });

  it("follows the commune's order, but never plays an item before its planned start", () => {
    // Circular 39: the commune decided 2 before 1.
    const starts = sequencePriority([occ(1, 'priority', 0, 10), occ(2, 'priority', 5, 10)], new Map([[2, 0], [1, 1]]));
    expect(starts.get(2)).toBe(5 * MIN);
    expect(starts.get(1)).toBe(15 * MIN);
  });

  it('finds overlaps, half-open', () => {
    const others = [
      { id: 'a', startAt: 0, endAt: 10 },
      { id: 'b', startAt: 10, endAt: 20 },
      { id: 'c', startAt: 25, endAt: 40 },
    ];
    expect(overlapping([{ startAt: 5, endAt: 10 }], others).map((o) => o.id)).toEqual(['a']);
    expect(overlapping([{ startAt: 20, endAt: 25 }], others)).toEqual([]);
    expect(overlapping([{ startAt: 9, endAt: 30 }], others).map((o) => o.id)).toEqual(['a', 'b', 'c']);
  });
});
