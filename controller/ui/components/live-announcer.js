// Speaks live changes to screen-reader users (aria-live, polite). A burst of changes — a district
// coming back after a power cut — is summed up in one sentence instead of read out one by one.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { useLiveEvent } from '../lib/live.js';

export function LiveAnnouncer() {
  const [message, setMessage] = useState('');
  const pending = useRef([]);
  const timer = useRef(null);
  useEffect(() => () => clearTimeout(timer.current), []);
  useLiveEvent('presence', (event) => {
    pending.current.push(event);
    if (timer.current) return;
    timer.current = setTimeout(() => {
      const events = pending.current.splice(0);
      timer.current = null;
      if (events.length === 1) {
        const e = events[0];
        setMessage(t(e.online ? 'live.deviceOnline' : 'live.deviceOffline', { name: e.name }));
      } else {
        const online = events.filter((e) => e.online).length;
        setMessage(t('live.summary', { online, offline: events.length - online }));
      }
    }, 1500);
  });
  return html`<div class="sr-only" aria-live="polite" role="status" data-testid="live-announcer">${message}</div>`;
}
