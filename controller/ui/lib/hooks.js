// Data loading for screens: fetch on mount and when the path changes, keep showing the last data
// while reloading (no flicker on live updates), and cancel requests a screen no longer needs.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.js';
import { useLiveEvent } from './live.js';

export function useApi(path) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const controller = useRef(null);
  const load = useCallback(() => {
    if (!path) return;
    controller.current?.abort();
    const ctl = new AbortController();
    controller.current = ctl;
    setState((s) => ({ ...s, loading: true }));
    api(path, { signal: ctl.signal })
      .then((data) => setState({ data, error: null, loading: false }))
      .catch((error) => {
        if (error.name !== 'AbortError') setState((s) => ({ data: s.data, error, loading: false }));
      });
  }, [path]);
  useEffect(() => {
    setState({ data: null, error: null, loading: true });
    load();
    return () => controller.current?.abort();
  }, [load]);
  // setData(fn) updates from the newest data, so bursts of live events each apply.
  const setData = (update) => setState((s) => ({ ...s, data: typeof update === 'function' ? update(s.data) : update }));
  return { ...state, reload: load, setData };
}

/**
 * Reloads on live events, at most once per `intervalMs` (a whole district coming back after a
 * power cut is hundreds of events: one reload, not hundreds), and on every (re)connect.
 */
export function useLiveReload(reload, intervalMs = 3000, filter = () => true) {
  const timer = useRef(null);
  useEffect(() => () => clearTimeout(timer.current), []);
  const schedule = () => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      reload();
    }, intervalMs);
  };
  useLiveEvent('presence', (event) => {
    if (filter(event)) schedule();
  });
  useLiveEvent('hello', () => schedule());
}

/** Page title and focus: screen-reader users hear where they landed after each navigation. */
export function usePageTitle(title) {
  useEffect(() => {
    document.title = `${title} — Loa`;
  }, [title]);
}
