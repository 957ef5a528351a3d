// The playback rules, as pure functions (unit-tested without players or timers).
//
// Priority ladder (Circular 39; architecture notes): emergency > live/relay > priority > normal,
// ranked by shared/priority.ts `playRank`. A higher rank interrupts a lower one at once. A
// scheduled item never interrupts one of the same rank; a *command* (an operator's or the
// controller's "play now") replaces one of the same rank — the newest explicit order wins.
//
// Late starts: media plays from its beginning if it can start within `graceMs` of its start time
// (the agent restarted, the speaker was busy with a higher item for a few seconds); later than
// that it is skipped — a bulletin half a minute late, out of step with the neighbouring
// clusters, is worse than none. A relayed stream is live: it is joined late for what remains
// of its window, if at least MIN_STREAM_REMAINING_MS remain (a relay shorter than that may
// start late by the grace period, at most half its length).
import type { ManifestItem, PlaySource } from '../../shared/payloads.js';
import { type PriorityClass, playRank } from '../../shared/priority.js';

export const DEFAULT_GRACE_MS = 30_000;
export const MIN_STREAM_REMAINING_MS = 5_000;
/** A stream command without a duration plays until stopped, at most this long. */
export const MAX_COMMAND_STREAM_MS = 4 * 3600_000;

export interface Entry {
  /** Identifies one playing of one thing, across manifest versions and restarts. */
  key: string;
  kind: 'scheduled' | 'command';
  item?: ManifestItem;
  commandId?: string;
  emergencyId?: string;
  class: PriorityClass;
  source: PlaySource;
  rank: number;
  /** Planned start (scheduled) or when the command arrived. */
  startAt: number;
  durationMs?: number;
  volume?: number;
  title?: string;
  /** Was due while a higher or equal rank played. */
  blocked?: boolean;
}

/** The same occurrence at the same time with the same content is the same playing, whatever its item id. */
export function itemKey(item: ManifestItem): string {
  const what = item.source.type === 'media' ? item.source.sha256 : item.source.url;
  return `${item.occurrenceId}|${item.startAt}|${what}`;
}

export function scheduledEntry(item: ManifestItem): Entry {
  return {
    key: itemKey(item),
    kind: 'scheduled',
    item,
    class: item.class,
    source: item.source,
    rank: playRank(item.class, item.source.type),
    startAt: item.startAt,
    durationMs: item.durationMs,
    ...(item.volume !== undefined ? { volume: item.volume } : {}),
    ...(item.title !== undefined ? { title: item.title } : {}),
  };
}

/** The last instant `entry` may still begin. */
export function latestStart(entry: Entry, graceMs: number): number {
  if (entry.kind === 'command') return Number.POSITIVE_INFINITY;
  if (entry.source.type === 'stream') {
    // Joined late while enough remains; a short relay gets the media grace, capped at half its length.
    const duration = entry.durationMs ?? 0;
    return entry.startAt + Math.max(duration - MIN_STREAM_REMAINING_MS, Math.min(graceMs, duration / 2));
  }
  return entry.startAt + graceMs;
}

/** How long to play `entry` if it starts at `now`: a late-joined stream only for the rest of its window. */
export function playDuration(entry: Entry, now: number): number | undefined {
  if (entry.source.type === 'stream') {
    if (entry.kind === 'command') return entry.durationMs ?? MAX_COMMAND_STREAM_MS;
    return Math.max(0, entry.startAt + (entry.durationMs ?? 0) - now);
  }
  return entry.durationMs;
}

/** Highest rank first; on equal rank the earlier start first. */
export function byPrecedence(a: Entry, b: Entry): number {
  return b.rank - a.rank || a.startAt - b.startAt || a.key.localeCompare(b.key);
}

/** Whether `candidate` may take the speaker from `playing`. */
export function mayInterrupt(candidate: Entry, playing: Entry): boolean {
  return candidate.kind === 'command' ? candidate.rank >= playing.rank : candidate.rank > playing.rank;
}

export type Decision =
  | { action: 'skip'; entry: Entry; reason: 'superseded' | 'device_offline' | 'late' }
  | { action: 'start'; entry: Entry; interrupt: boolean }
  | { action: 'wait' };

/**
 * What to do now with the due entries (start ≤ now, not yet handled): first skip those too
 * late, then start the one with precedence if the speaker is free or it outranks what plays.
 * `since` is when the agent began watching the schedule: starts before it were missed because
 * the agent was not running.
 */
export function decide(due: readonly Entry[], playing: Entry | undefined, now: number, graceMs: number, since: number): Decision {
  const sorted = [...due].sort(byPrecedence);
  for (const entry of sorted) {
    if (now <= latestStart(entry, graceMs)) continue;
    const reason = entry.blocked ? 'superseded' : entry.startAt < since ? 'device_offline' : 'late';
    return { action: 'skip', entry, reason };
  }
  const top = sorted[0];
  if (!top) return { action: 'wait' };
  if (!playing) return { action: 'start', entry: top, interrupt: false };
  if (mayInterrupt(top, playing)) return { action: 'start', entry: top, interrupt: true };
  return { action: 'wait' };
}
