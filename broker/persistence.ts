// The broker's store: Aedes' in-memory persistence (aedes-persistence) with three of its parts
// replaced where the stock ones grow with the square of the fleet or cost too much per cluster:
// - retained messages by exact topic (retained-index.ts): connecting stays linear in the fleet;
// - QoS 1 messages in flight to persistent sessions indexed per client (outgoing-queues.ts): a
//   PUBACK costs the same with 30,000 messages in flight to the controller as with one;
// - subscriptions of persistent sessions (session-subscriptions.ts): a record per subscription
//   instead of a qlobber trie, and only those the ACL allows.
// Wills and incoming QoS 2 state stay the stock store's.
import { createRequire } from 'node:module';
import type { Client } from 'aedes';
import { Readable } from 'node:stream';
import { OutgoingQueues, type QueuedPacket } from './outgoing-queues.js';
import { RetainedIndex, type RetainedPacket } from './retained-index.js';
import { SessionSubscriptions, type StoredSubscription } from './session-subscriptions.js';

const require = createRequire(import.meta.url);
// Internal modules of aedes-persistence (CommonJS, no exports map): the async memory store and the
// callback adapter Aedes talks to. The default export is exactly `new CallBackPersistence(factory)`.
const MemoryPersistence = require('aedes-persistence/asyncPersistence.js') as new (opts?: object) => object;
const { CallBackPersistence } = require('aedes-persistence/callBackPersistence.js') as {
  CallBackPersistence: new (factory: (opts: object) => object, opts?: object) => unknown;
};
// The packet copy the stock store queues (it drops the per-subscriber fields of the original).
const Packet = require('aedes-packet') as new (original: object) => QueuedPacket;

interface SessionClient {
  id: string;
}

/** Whether a client's persistent session may keep a subscription: the broker's ACL. */
export type MayStoreSubscription = (client: Client, filter: string) => boolean;

interface StoreOptions {
  mayStore?: MayStoreSubscription;
}

class LoaPersistence extends MemoryPersistence {
  readonly #retained = new RetainedIndex();
  readonly #outgoing = new OutgoingQueues<QueuedPacket>();
  readonly #subscriptions = new SessionSubscriptions();
  readonly #mayStore: MayStoreSubscription;

  constructor(opts: object, mayStore: MayStoreSubscription) {
    super(opts);
    this.#mayStore = mayStore;
  }

  // Aedes hands every SUBSCRIBE's whole filter list to the store, refused filters included, and
  // before it has asked the ACL about the later ones (aedes 1.2 subscribe.js storeSubscriptions).
  // A refused filter kept here would collect the messages published while the client is away and
  // deliver them at its next connect: another device's commands, for one. So the store asks the
  // ACL itself and keeps only what it allows.
  async addSubscriptions(client: SessionClient, subs: Array<{ topic: string; qos: number }>): Promise<void> {
    this.#subscriptions.add(
      client.id,
      // Aedes passes its Client here (the id-only objects come with the other calls).
      subs.filter((sub) => this.#mayStore(client as Client, sub.topic)),
    );
  }

  async removeSubscriptions(client: SessionClient, topics: string[]): Promise<void> {
    this.#subscriptions.remove(client.id, topics);
  }

  async cleanSubscriptions(client: SessionClient): Promise<void> {
    this.#subscriptions.clear(client.id);
  }

  async subscriptionsByClient(client: SessionClient): Promise<Array<{ topic: string; qos: number }>> {
    return this.#subscriptions.of(client.id);
  }

  async subscriptionsByTopic(topic: string): Promise<StoredSubscription[]> {
    return this.#subscriptions.queueingFor(topic);
  }

  async countOffline(): Promise<{ subsCount: number; clientsCount: number }> {
    return this.#subscriptions.counts();
  }

  getClientList(filter: string): Readable {
    return Readable.from(this.#subscriptions.clientsWithFilter(filter));
  }

  async storeRetained(pkt: RetainedPacket): Promise<void> {
    this.#retained.store(pkt);
  }

  createRetainedStream(pattern: string): Readable {
    return Readable.from(this.#retained.matching(pattern));
  }

  createRetainedStreamCombi(patterns: string[]): Readable {
    const retained = this.#retained;
    return Readable.from(
      (function* () {
        for (const p of patterns) yield* retained.matching(p);
      })(),
    );
  }

  async outgoingEnqueue(sub: { clientId: string }, packet: object): Promise<void> {
    this.#outgoing.enqueue(sub.clientId, new Packet(packet));
  }

  async outgoingEnqueueCombi(subs: { clientId: string }[], packet: object): Promise<void> {
    for (const sub of subs) this.#outgoing.enqueue(sub.clientId, new Packet(packet));
  }

  async outgoingUpdate(client: SessionClient, packet: QueuedPacket): Promise<void> {
    // Aedes writes the packet anyway when this rejects; the stock store rejects the same way.
    if (!this.#outgoing.update(client.id, packet)) throw new Error('no such packet');
  }

  async outgoingClearMessageId(client: SessionClient, packet: { messageId?: number }): Promise<QueuedPacket | undefined> {
    return this.#outgoing.clear(client.id, packet.messageId);
  }

  outgoingStream(client: SessionClient): Readable {
    return Readable.from(this.#outgoing.list(client.id));
  }
}

/** The persistence to pass to `Aedes.createBroker({ persistence })`. Without `mayStore` every subscription is kept (tests of the store alone). */
export function loaPersistence(options: StoreOptions = {}): unknown {
  const mayStore = options.mayStore ?? (() => true);
  return new CallBackPersistence((opts) => new LoaPersistence(opts, mayStore));
}
