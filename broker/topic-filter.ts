// MQTT 3.1.1 topic filters (§4.7), for the broker's own indexes: the message bus
// (message-bus.ts), the session store's subscriptions and the retained messages (persistence.ts).
// Matching runs for every wildcard filter on every publish, so it compares characters in place
// instead of splitting strings.

const SLASH = 47; // '/'
const PLUS = 43; // '+'
const HASH = 35; // '#'
const DOLLAR = 36; // '$'

export const hasWildcard = (filter: string): boolean => filter.includes('+') || filter.includes('#');

/**
 * Whether `filter` matches the concrete `topic`: `+` matches one level (an empty one too), `#` the
 * level it stands on, all below it and its parent (`a/#` matches `a`); a topic starting with `$`
 * never matches a filter starting with a wildcard [MQTT-4.7.2-1].
 */
export function topicMatches(filter: string, topic: string): boolean {
  const first = filter.charCodeAt(0);
  if (topic.charCodeAt(0) === DOLLAR && (first === PLUS || first === HASH)) return false;
  const fl = filter.length;
  const tl = topic.length;
  // f and t point at the start of the current level; past the last level they are length + 1.
  let f = 0;
  let t = 0;
  while (f <= fl) {
    const fEnd = levelEnd(filter, f);
    const width = fEnd - f;
    if (width === 1 && filter.charCodeAt(f) === HASH) return true;
    if (t > tl) return false; // the filter has more levels than the topic
    const tEnd = levelEnd(topic, t);
    if (!(width === 1 && filter.charCodeAt(f) === PLUS)) {
      if (tEnd - t !== width) return false;
      for (let i = 0; i < width; i++) if (filter.charCodeAt(f + i) !== topic.charCodeAt(t + i)) return false;
    }
    f = fEnd + 1;
    t = tEnd + 1;
  }
  return t > tl; // and the topic has no more levels than the filter
}

function levelEnd(s: string, from: number): number {
  for (let i = from; i < s.length; i++) if (s.charCodeAt(i) === SLASH) return i;
  return s.length;
}
