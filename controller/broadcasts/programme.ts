// A device's programme: the occurrences that target it, resolved into manifest items. Pure
// functions, so the rules are unit-tested without a database.
//
// Circular 39: priority items that clash are played one after another, in the order the
// commune decided (priority_orders), else by planned start then occurrence id. An item is
// never played before its own planned start: a sequenced item starts at the later of its
// planned start and the end of the one before it. Items of different classes are left to
// overlap: on the agent the higher class interrupts the lower one.
import type { ManifestItem, PlaySource, PriorityClass } from '../../shared/index.js';

/** One playable piece of an occurrence, resolved when the occurrence was expanded. */
export interface OccurrenceItem {
  source: PlaySource;
  durationMs: number;
  title?: string;
  bulletinId?: number;
}

export interface ProgrammeOccurrence {
  id: number;
  scheduleId: number;
  title: string;
  startAt: number;
  durationMs: number;
  class: PriorityClass;
  volume: number | null;
  items: OccurrenceItem[];
}

/** Planned start of each occurrence after priority sequencing (id → start). */
export function sequencePriority(occurrences: readonly ProgrammeOccurrence[], ranks: ReadonlyMap<number, number>): Map<number, number> {
  const starts = new Map<number, number>();
  const priority: ProgrammeOccurrence[] = [];
  for (const o of occurrences) {
    if (o.class === 'priority') priority.push(o);
    else starts.set(o.id, o.startAt);
  }
  priority.sort((a, b) => a.startAt - b.startAt || a.id - b.id);
  // Clusters of items that overlap as planned; each cluster is laid out in its decided order.
  let cluster: ProgrammeOccurrence[] = [];
  let clusterEnd = -Infinity;
  const layout = () => {
    const ordered = [...cluster].sort((a, b) => (ranks.get(a.id) ?? Infinity) - (ranks.get(b.id) ?? Infinity) || a.startAt - b.startAt || a.id - b.id);
    let cursor = -Infinity;
    for (const o of ordered) {
      const start = Math.max(o.startAt, cursor);
      starts.set(o.id, start);
      cursor = start + o.durationMs;
    }
  };
  for (const o of priority) {
    if (cluster.length > 0 && o.startAt >= clusterEnd) {
      layout();
      cluster = [];
      clusterEnd = -Infinity;
    }
    cluster.push(o);
    clusterEnd = Math.max(clusterEnd, o.startAt + o.durationMs);
  }
  if (cluster.length > 0) layout();
  return starts;
}

/** The manifest items for one device, sorted by start. Item ids are `${occurrenceId}:${index}`. */
export function programmeItems(occurrences: readonly ProgrammeOccurrence[], ranks: ReadonlyMap<number, number>): ManifestItem[] {
  const starts = sequencePriority(occurrences, ranks);
  const items: ManifestItem[] = [];
  for (const o of occurrences) {
    let at = starts.get(o.id) ?? o.startAt;
    o.items.forEach((piece, index) => {
      const item: ManifestItem = {
        id: `${o.id}:${index}`,
        occurrenceId: String(o.id),
        scheduleId: String(o.scheduleId),
        title: (piece.title ?? o.title).slice(0, 200),
        startAt: at,
        durationMs: Math.max(1, piece.durationMs),
        class: o.class,
        source: piece.source,
      };
      if (o.volume !== null) item.volume = o.volume;
      items.push(item);
      at += piece.durationMs;
    });
  }
  items.sort((a, b) => a.startAt - b.startAt || a.id.localeCompare(b.id));
  return items;
}

export interface Interval {
  startAt: number;
  endAt: number;
}

/** Intervals of `others` that overlap any of `mine` (half-open [startAt, endAt)). */
export function overlapping<T extends Interval>(mine: readonly Interval[], others: readonly T[]): T[] {
  const sorted = [...others].sort((x, y) => x.startAt - y.startAt);
  const hits = new Set<T>();
  for (const m of mine) {
    for (const o of sorted) {
      if (o.startAt >= m.endAt) break;
      if (o.endAt > m.startAt) hits.add(o);
    }
  }
  return sorted.filter((x) => hits.has(x));
}
