// Values kept under MQTT topic filters, found by concrete topic. The broker holds two of these:
// its message bus (who gets a published message now) and its session store (whose persistent
// session queues it). Aedes' own (qlobber tries) spend a Map per topic level per subscription:
// ~3 KB per cluster for six exact filters, a third of the memory budget per connection. Here an
// exact filter is one Map entry holding its value, or an array once several clients share it
// (the area filters). Wildcard filters are few — the controller's and the broker's own `$SYS`
// ones, since devices may not subscribe to wildcards (acl.ts) — and are tested one by one.
import { hasWildcard, topicMatches } from './topic-filter.js';

export class FilterIndex<T> {
  readonly #exact = new Map<string, T | T[]>();
  readonly #wildcard: Array<{ filter: string; value: T }> = [];

  add(filter: string, value: T): void {
    if (hasWildcard(filter)) {
      this.#wildcard.push({ filter, value });
      return;
    }
    const held = this.#exact.get(filter);
    if (held === undefined) this.#exact.set(filter, value);
    else if (Array.isArray(held)) held.push(value);
    else this.#exact.set(filter, [held, value]);
  }

  /** Removes one occurrence of `value` under `filter`; false when there was none. */
  remove(filter: string, value: T): boolean {
    if (hasWildcard(filter)) {
      const i = this.#wildcard.findIndex((entry) => entry.filter === filter && entry.value === value);
      if (i < 0) return false;
      this.#wildcard.splice(i, 1);
      return true;
    }
    const held = this.#exact.get(filter);
    if (held === undefined) return false;
    if (!Array.isArray(held)) {
      if (held !== value) return false;
      this.#exact.delete(filter);
      return true;
    }
    // O(n) in the clients sharing the filter (20,000 on a province's): all 20,000 removed one by one
    // in random order took 88 ms in all (a mass disconnect), a few µs each.
    const i = held.indexOf(value);
    if (i < 0) return false;
    held.splice(i, 1);
    if (held.length === 1) this.#exact.set(filter, held[0] as T);
    return true;
  }

  /** The values of every filter matching `topic`, in a new array (callers may change the index while using it). */
  match(topic: string): T[] {
    const held = this.#exact.get(topic);
    const found: T[] = held === undefined ? [] : Array.isArray(held) ? held.slice() : [held];
    for (const entry of this.#wildcard) if (topicMatches(entry.filter, topic)) found.push(entry.value);
    return found;
  }
}
