// One server-sent-events connection per tab (GET /api/v1/live), shared by every screen. The
// stream only carries events in the reader's area. Events missed while disconnected are not
// replayed, so screens reload what they show on each `hello` (sent on every (re)connect).
import { useEffect, useRef, useState } from 'preact/hooks';

// `airing`: a cluster reported proof of play (started, finished, failed…) — {deviceId, communeCode, districtCode}.
const listeners = { presence: new Set(), hello: new Set(), status: new Set(), airing: new Set() };
let source = null;
let status = 'off';
let retryTimer = null;
let onEnded = () => {};

function emit(kind, data) {
  for (const listener of listeners[kind]) listener(data);
}

function setStatus(next) {
  status = next;
  emit('status', next);
}

/** Opens the stream; `ended` runs when the server says the session is over. */
export function connectLive(ended) {
  onEnded = ended ?? onEnded;
  if (source) return;
  source = new EventSource('/api/v1/live');
  setStatus('connecting');
  source.addEventListener('hello', (e) => {
    setStatus('live');
    emit('hello', JSON.parse(e.data));
  });
  source.addEventListener('presence', (e) => emit('presence', JSON.parse(e.data)));
  source.addEventListener('airing', (e) => emit('airing', JSON.parse(e.data)));
  source.addEventListener('bye', () => {
    disconnectLive();
    onEnded();
  });
  source.onerror = () => {
    // CLOSED: the server refused (e.g. the session expired); EventSource will not retry itself.
    if (source && source.readyState === EventSource.CLOSED) {
      source = null;
      setStatus('reconnecting');
      retryTimer = setTimeout(() => connectLive(), 5000);
    } else {
      setStatus('reconnecting');
    }
  };
}

export function disconnectLive() {
  clearTimeout(retryTimer);
  source?.close();
  source = null;
  setStatus('off');
}

/** Calls `handler` for each live event of `kind` while the component is mounted. */
export function useLiveEvent(kind, handler) {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const listener = (data) => ref.current(data);
    listeners[kind].add(listener);
    return () => listeners[kind].delete(listener);
  }, [kind]);
}

export function useLiveStatus() {
  const [value, setValue] = useState(status);
  useLiveEvent('status', setValue);
  return value;
}
