// The commune operator's day: what the commune's clusters were to play today, what each one
// actually did (aired, failed and why), and the operator's word — heard, or a problem with a
// note. Built for a 360-px phone; province and district staff pick a commune first.
import { useEffect } from 'preact/hooks';
import { AreaFilter } from '../components/area-filter.js';
import { Async, Empty, PageHeader } from '../components/page.js';
import { qs } from '../lib/api.js';
import { fmtDay, todayLocal } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { useLiveEvent } from '../lib/live.js';
import { navigate } from '../lib/router.js';
import { levelOfCode, useSession } from '../lib/session.js';
import { addDays } from './broadcast-parts.js';
import { OccurrenceCard } from './today-occurrence.js';

// Results arrive as the clusters upload their proof of play; a phone left open refreshes itself.
const REFRESH_MS = 30_000;

function DayNav({ day, onDay }) {
  const today = todayLocal();
  return html`<nav class="day-nav" aria-label=${t('today.dayNav')}>
    <button type="button" class="secondary small" onClick=${() => onDay(addDays(day, -1))}>‹ ${t('today.previousDay')}</button>
    <strong data-testid="today-day">${day === today ? t('today.today') : fmtDay(day)}</strong>
    ${day !== today && html`<button type="button" class="secondary small" onClick=${() => onDay(today)}>${t('today.backToToday')}</button>`}
    <button type="button" class="secondary small" onClick=${() => onDay(addDays(day, 1))}>${t('today.nextDay')} ›</button>
  </nav>`;
}

export default function Today({ query }) {
  const { me, units } = useSession();
  const ownCommune = levelOfCode(me.scopeCode) === 'commune';
  const commune = ownCommune ? me.scopeCode : (query.commune ?? '');
  const day = query.day ?? todayLocal();
  const state = useApi(commune ? `/communes/${encodeURIComponent(commune)}/today${qs({ day: query.day })}` : null);
  useEffect(() => {
    if (!commune) return undefined;
    const timer = setInterval(state.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [state.reload, commune]);
  useLiveEvent('hello', () => commune && state.reload());
  // A cluster of the commune reported (or the commune confirmed): show it now, not at the next tick.
  useLiveEvent('airing', (event) => event.communeCode === commune && state.reload());
  const update = (patch) => navigate('/today', { ...query, ...patch }, { replace: true });

  return html`<${PageHeader} title=${t('today.title')} subtitle=${commune ? units.name(commune) : t('today.subtitle')} />
    ${!ownCommune && html`<form class="filters" onSubmit=${(e) => e.preventDefault()}><${AreaFilter} query=${query} onChange=${update} /></form>`}
    <${DayNav} day=${day} onDay=${(d) => update({ day: d === todayLocal() ? '' : d })} />
    ${!commune
      ? html`<${Empty}>${t('today.pickCommune')}</${Empty}>`
      : html`<${Async} state=${state}>${(data) =>
          data.occurrences.length === 0
            ? html`<${Empty}>${t('today.none')}</${Empty}>`
            : html`<div class="occurrences" data-testid="today-list">
                ${data.occurrences.map((o) => html`<${OccurrenceCard} key=${o.id} occurrence=${o} commune=${commune} onChanged=${state.reload} />`)}
              </div>`}</${Async}>`}`;
}
