// The broker's message bus: which connected clients get a published message. Aedes takes it as
// its `mq` option in place of mqemitter, whose qlobber trie costs a Map per topic level per
// subscription (filter-index.ts says why that matters). Same contract as mqemitter 7 in what
// Aedes 1.2 calls: on / removeListener / emit / close, listeners called as (packet, done).
// There is no queue: the broker runs mqemitter with concurrency 0 (broker.ts says why), which
// calls every matching listener at once, as this does.
import { FilterIndex } from './filter-index.js';

export type BusListener = (packet: { topic: string }, done: () => void) => void;
type Callback = (err?: Error) => void;

export class MessageBus {
  readonly #listeners = new FilterIndex<BusListener>();
  #closed = false;

  on(filter: string, listener: BusListener, done?: Callback): this {
    this.#listeners.add(filter, listener);
    if (done) setImmediate(done);
    return this;
  }

  // Deferred like mqemitter's: a client unsubscribing while a message is being delivered to it
  // still gets that message.
  removeListener(filter: string, listener: BusListener, done?: Callback): this {
    setImmediate(() => {
      this.#listeners.remove(filter, listener);
      done?.();
    });
    return this;
  }

  /** Calls every listener whose filter matches; `done` once all of them have called back. */
  emit(packet: { topic: string }, done: Callback = noop): this {
    if (this.#closed) {
      done(new Error('the message bus is closed'));
      return this;
    }
    const listeners = this.#listeners.match(packet.topic);
    if (listeners.length === 0) done();
    else if (listeners.length === 1) listeners[0]!(packet, () => done());
    else {
      let waiting = listeners.length;
      const oneDone = () => {
        if (--waiting === 0) done();
      };
      for (const listener of listeners) listener(packet, oneDone);
    }
    return this;
  }

  close(done: Callback = noop): this {
    this.#closed = true;
    setImmediate(done);
    return this;
  }
}

function noop(): void {}
