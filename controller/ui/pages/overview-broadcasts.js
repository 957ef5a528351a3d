// The overview's "today's broadcasts" for the reader's area: airings planned on the clusters,
// aired, failed, and the communes' word (confirmed heard, flagged), with the 30-day confirmation
// rate. Refreshed every minute, and soon after a cluster in the area reports proof of play
// (the `airing` live event) or the stream reconnects.
import { useEffect, useRef } from 'preact/hooks';
import { Async } from '../components/page.js';
import { fmtNumber, fmtPercent } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { useLiveEvent } from '../lib/live.js';

const REFRESH_MS = 60_000;
// A whole district's clusters report within seconds of each other: one reload, not hundreds.
const BURST_MS = 2_000;

function useRefresh(reloads) {
  const timer = useRef(null);
  const latest = useRef(reloads);
  latest.current = reloads;
  const reloadAll = () => {
    for (const reload of latest.current) reload();
  };
  useEffect(() => {
    const every = setInterval(reloadAll, REFRESH_MS);
    return () => {
      clearInterval(every);
      clearTimeout(timer.current);
    };
  }, []);
  const soon = () => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      reloadAll();
    }, BURST_MS);
  };
  useLiveEvent('airing', soon);
  useLiveEvent('hello', soon);
}

function Figure({ name, label, value, detail, tone }) {
  return html`<div class=${tone ?? ''}><dt>${label}</dt><dd data-count=${name}>${value}</dd>${detail && html`<dd class="detail">${detail}</dd>`}</div>`;
}

function Counts({ summary, rates }) {
  const a = summary.deviceAirings;
  const waiting = a.planned + a.playing;
  return html`<dl class="stats" data-testid="overview-broadcasts" data-day=${summary.day}>
      <${Figure} name="planned" label=${t('overviewBroadcasts.planned')} value=${fmtNumber(a.total)}
        detail=${t('overviewBroadcasts.plannedDetail', { programmes: fmtNumber(summary.occurrences), waiting: fmtNumber(waiting) })} />
      <${Figure} name="aired" label=${t('overviewBroadcasts.aired')} value=${fmtNumber(a.aired)} tone="good-text" />
      <${Figure} name="failed" label=${t('overviewBroadcasts.failed')} value=${fmtNumber(a.failed)} tone=${a.failed > 0 ? 'bad-text' : ''}
        detail=${a.skipped > 0 ? t('overviewBroadcasts.skipped', { n: fmtNumber(a.skipped) }) : null} />
      <${Figure} name="confirmed" label=${t('overviewBroadcasts.confirmed')} value=${`${fmtNumber(summary.confirmed)} / ${fmtNumber(summary.communeAirings)}`}
        detail=${rates ? t('overviewBroadcasts.rate30', { rate: rates.totals.due ? fmtPercent(rates.totals.rate, 0) : '—' }) : null} />
      <${Figure} name="flagged" label=${t('overviewBroadcasts.flagged')} value=${fmtNumber(summary.flagged)} tone=${summary.flagged > 0 ? 'bad-text' : ''} />
    </dl>`;
}

export function TodayBroadcasts({ areaCode }) {
  const code = encodeURIComponent(areaCode);
  const summary = useApi(`/areas/${code}/broadcasts/summary`);
  const rates = useApi(`/areas/${code}/confirmation-rates`);
  useRefresh([summary.reload, rates.reload]);
  return html`<${Async} state=${summary}>${(data) =>
      data.deviceAirings.total === 0
        ? html`<p class="empty" data-testid="overview-broadcasts" data-day=${data.day}>${t('overviewBroadcasts.none')}</p>`
        : html`<${Counts} summary=${data} rates=${rates.data} />`}</${Async}>
    <p><a href="#/today">${t('overviewBroadcasts.dayLink')}</a> · <a href="#/schedules">${t('overviewBroadcasts.weekLink')}</a></p>`;
}
