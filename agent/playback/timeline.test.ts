import { describe, expect, it } from 'vitest';
import type { ManifestItem } from '../../shared/payloads.js';
import { decide, type Entry, itemKey, latestStart, mayInterrupt, playDuration, scheduledEntry } from './timeline.js';

const SHA = 'a'.repeat(64);
const GRACE = 30_000;

function item(id: string, startAt: number, cls: ManifestItem['class'] = 'normal', stream = false, durationMs = 60_000): ManifestItem {
  return {
    id,
    occurrenceId: `o-${id}`,
    startAt,
    durationMs,
    class: cls,
    source: stream ? { type: 'stream', url: 'https://radio.example.vn/live' } : { type: 'media', sha256: SHA, url: `/api/v1/media/${SHA}` },
  };
}
const command = (cls: Entry['class'], startAt: number): Entry => ({
  key: `cmd:${cls}`,
  kind: 'command',
  commandId: `c-${cls}`,
  class: cls,
  source: { type: 'media', sha256: SHA, url: '/x' },
  rank: cls === 'emergency' ? 3 : cls === 'priority' ? 1 : 0,
  startAt,
});

describe('priority ladder', () => {
  it('ranks emergency > relay stream > priority > normal, and a higher rank interrupts a lower one', () => {
    const normal = scheduledEntry(item('n', 0));
    const priority = scheduledEntry(item('p', 0, 'priority'));
    const relay = scheduledEntry(item('r', 0, 'normal', true));
    const emergency = scheduledEntry(item('e', 0, 'emergency'));
    expect([normal, priority, relay, emergency].map((e) => e.rank)).toEqual([0, 1, 2, 3]);
    expect(mayInterrupt(priority, normal)).toBe(true);
    expect(mayInterrupt(relay, priority)).toBe(true);
    expect(mayInterrupt(emergency, relay)).toBe(true);
    expect(mayInterrupt(normal, priority)).toBe(false);
  });

  it('lets a command replace an item of the same rank, but never a scheduled item', () => {
    const playing = scheduledEntry(item('p', 0, 'priority'));
    expect(mayInterrupt(scheduledEntry(item('q', 10, 'priority')), playing)).toBe(false);
    expect(mayInterrupt(command('priority', 10), playing)).toBe(true);
    expect(mayInterrupt(command('normal', 10), playing)).toBe(false);
  });
});

describe('decide', () => {
  it('starts the due item of highest precedence when the speaker is free', () => {
    const a = scheduledEntry(item('a', 1_000));
    const b = scheduledEntry(item('b', 1_000, 'priority'));
    expect(decide([a, b], undefined, 1_000, GRACE, 0)).toEqual({ action: 'start', entry: b, interrupt: false });
  });

  it('interrupts a lower item, waits behind an equal or higher one', () => {
    const playing = scheduledEntry(item('n', 0));
    const emergency = scheduledEntry(item('e', 5_000, 'emergency'));
    expect(decide([emergency], playing, 5_000, GRACE, 0)).toMatchObject({ action: 'start', interrupt: true });
    expect(decide([scheduledEntry(item('m', 5_000))], playing, 5_000, GRACE, 0)).toEqual({ action: 'wait' });
  });

  it('skips media that cannot start within the grace period: superseded if it waited behind another item, device_offline if the agent was not running', () => {
    const blocked = { ...scheduledEntry(item('b', 1_000)), blocked: true };
    expect(decide([blocked], undefined, 1_000 + GRACE + 1, GRACE, 0)).toMatchObject({ action: 'skip', reason: 'superseded' });
    const missed = scheduledEntry(item('m', 1_000));
    expect(decide([missed], undefined, 1_000 + GRACE + 1, GRACE, 50_000)).toMatchObject({ action: 'skip', reason: 'device_offline' });
    expect(decide([missed], undefined, 1_000 + GRACE + 1, GRACE, 0)).toMatchObject({ action: 'skip', reason: 'late' });
    // Within the grace period it still starts, late, from its beginning.
    expect(decide([missed], undefined, 1_000 + GRACE, GRACE, 50_000)).toMatchObject({ action: 'start', entry: missed });
  });

  it('joins a relay late for the rest of its window while enough of it remains', () => {
    const relay = scheduledEntry(item('r', 0, 'normal', true, 600_000));
    expect(latestStart(relay, GRACE)).toBe(595_000);
    expect(decide([relay], undefined, 300_000, GRACE, 0)).toMatchObject({ action: 'start' });
    expect(playDuration(relay, 300_000)).toBe(300_000);
    expect(decide([relay], undefined, 596_000, GRACE, 0)).toMatchObject({ action: 'skip' });
    const short = scheduledEntry(item('s', 0, 'normal', true, 4_000));
    expect(latestStart(short, GRACE)).toBe(2_000);
  });

  it('keys an item by occurrence, start and content, so a new manifest version does not replay it', () => {
    expect(itemKey(item('x', 5))).toBe(itemKey({ ...item('x', 5), id: 'renamed' }));
    expect(itemKey(item('x', 5))).not.toBe(itemKey(item('x', 6)));
  });
});
