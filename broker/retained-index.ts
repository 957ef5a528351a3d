// Retained messages looked up by exact topic, for the broker's store (broker/persistence.ts).
// The stock store tests every retained message against each subscription (aedes-persistence
// 11, asyncPersistence.js `retainedMessagesByPattern`). Every cluster keeps two retained messages
// (its state and its manifest) and subscribes to six topics on connect, so connecting N clusters
// cost ~12·N² topic tests — 4.8 billion at 20,000, minutes of one core after a broker restart
// (CPU profile in docs/bench.md). Agents subscribe to exact topics only; those become one Map
// lookup. Wildcard subscriptions (the controller's `loa/v1/devices/+/state`, a few per start)
// still scan, as the MQTT matching rules require.
import { hasWildcard, topicMatches } from './topic-filter.js';

export interface RetainedPacket {
  topic: string;
  payload: Buffer;
}

/** Retained messages by topic; an exact-topic subscription is one Map lookup. */
export class RetainedIndex {
  readonly #retained = new Map<string, RetainedPacket>();

  store(pkt: RetainedPacket): void {
    const packet = { ...pkt };
    if (packet.payload.length === 0) this.#retained.delete(packet.topic);
    else this.#retained.set(packet.topic, packet);
  }

  *matching(pattern: string): Generator<RetainedPacket> {
    if (!hasWildcard(pattern)) {
      const packet = this.#retained.get(pattern);
      if (packet) yield packet;
      return;
    }
    for (const [topic, packet] of this.#retained) if (topicMatches(pattern, topic)) yield packet;
  }
}
