// The subscriptions of persistent sessions (clean: false), for the broker's store
// (persistence.ts): what Aedes restores when a client comes back, and whose session queues a
// QoS 1/2 message published while the client is away. Replaces aedes-persistence's per-client
// Map plus qlobber trie (filter-index.ts says why). One record per subscription, shared by the
// client's list and the topic index.
import { FilterIndex } from './filter-index.js';

export interface StoredSubscription {
  readonly clientId: string;
  readonly topic: string;
  readonly qos: number;
}

export class SessionSubscriptions {
  readonly #byClient = new Map<string, StoredSubscription[]>();
  // Only QoS > 0: a QoS 0 message is never queued for an absent client (aedes-persistence does the same).
  readonly #queueing = new FilterIndex<StoredSubscription>();
  #queueingCount = 0;

  /** Adds or replaces the client's subscriptions to these filters. */
  add(clientId: string, subs: ReadonlyArray<{ topic: string; qos: number }>): void {
    if (subs.length === 0) return;
    let list = this.#byClient.get(clientId);
    if (list === undefined) {
      list = [];
      this.#byClient.set(clientId, list);
    }
    for (const { topic, qos } of subs) {
      this.#drop(list, topic);
      const record: StoredSubscription = { clientId, topic, qos };
      list.push(record);
      if (qos > 0) {
        this.#queueing.add(topic, record);
        this.#queueingCount++;
      }
    }
  }

  remove(clientId: string, topics: readonly string[]): void {
    const list = this.#byClient.get(clientId);
    if (list === undefined) return;
    for (const topic of topics) this.#drop(list, topic);
    if (list.length === 0) this.#byClient.delete(clientId);
  }

  /** Forgets every subscription of the client (its session ended). */
  clear(clientId: string): void {
    const list = this.#byClient.get(clientId);
    if (list === undefined) return;
    for (const record of list) this.#unindex(record);
    this.#byClient.delete(clientId);
  }

  /** The client's subscriptions, as copies the caller may change. */
  of(clientId: string): Array<{ topic: string; qos: number }> {
    return (this.#byClient.get(clientId) ?? []).map(({ topic, qos }) => ({ topic, qos }));
  }

  /** The QoS > 0 subscriptions whose filter matches the concrete `topic`. */
  queueingFor(topic: string): StoredSubscription[] {
    return this.#queueing.match(topic);
  }

  /** Clients holding a subscription to exactly this filter. */
  clientsWithFilter(filter: string): string[] {
    const ids: string[] = [];
    for (const [clientId, list] of this.#byClient) if (list.some((record) => record.topic === filter)) ids.push(clientId);
    return ids;
  }

  counts(): { subsCount: number; clientsCount: number } {
    return { subsCount: this.#queueingCount, clientsCount: this.#byClient.size };
  }

  #drop(list: StoredSubscription[], topic: string): void {
    const i = list.findIndex((record) => record.topic === topic);
    if (i < 0) return;
    this.#unindex(list[i]!);
    list.splice(i, 1);
  }

  #unindex(record: StoredSubscription): void {
    if (record.qos > 0 && this.#queueing.remove(record.topic, record)) this.#queueingCount--;
  }
}
