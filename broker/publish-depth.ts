// Aedes calls its `published` hook synchronously at the end of every publish, and the callback
// goes on to read and parse the client's next packets. Under a burst — thousands of heartbeats a
// second while clusters are still connecting — mqemitter's queue (Aedes' `concurrency`, 100)
// chains the publishes of many clients into one synchronous call stack that grows until V8
// throws "Maximum call stack size exceeded" and the process dies (moscajs/aedes#193,
// mcollina/mqemitter#204; seen with the fleet benchmark at ~4,000 publishes/s). This hook runs
// the callback at once while the chain is shallow — the common case costs one counter — and
// defers it to the next turn of the event loop once the chain is deep, so the stack unwinds.
export type PublishedHook = (packet: unknown, client: unknown, done: (err?: Error | null) => void) => void;

export const MAX_SYNC_PUBLISH_DEPTH = 32;

export function unwindingPublished(maxDepth = MAX_SYNC_PUBLISH_DEPTH): PublishedHook {
  let depth = 0;
  return (_packet, _client, done) => {
    if (depth >= maxDepth) {
      setImmediate(done, null);
      return;
    }
    depth++;
    try {
      done(null);
    } finally {
      depth--;
    }
  };
}
