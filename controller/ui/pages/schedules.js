// Schedules: an area's week as a calendar (prev / next week), the schedules the reader may see,
// and for a commune the order of clashing priority airings (Circular 39).
import { AreaFilter, areaOf } from '../components/area-filter.js';
import { Async, Empty, PageHeader } from '../components/page.js';
import { qs } from '../lib/api.js';
import { fmtDay, todayLocal } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { navigate } from '../lib/router.js';
import { can, levelOfCode, useSession } from '../lib/session.js';
import { addDays, ClassBadge, mondayOf } from './broadcast-parts.js';
import { PriorityOrder } from './priority-order.js';
import { timingSummary } from './schedule-timing.js';
import { WeekCalendar } from './schedule-week.js';

function WeekNav({ monday, onWeek }) {
  const thisWeek = mondayOf(todayLocal());
  return html`<nav class="week-nav" aria-label=${t('schedules.weekNav')}>
    <button type="button" class="secondary small" onClick=${() => onWeek(addDays(monday, -7))}>‹ ${t('schedules.previousWeek')}</button>
    <strong data-testid="week-range">${fmtDay(monday)} – ${fmtDay(addDays(monday, 6))}</strong>
    ${monday !== thisWeek && html`<button type="button" class="secondary small" onClick=${() => onWeek(thisWeek)}>${t('schedules.thisWeek')}</button>`}
    <button type="button" class="secondary small" onClick=${() => onWeek(addDays(monday, 7))}>${t('schedules.nextWeek')} ›</button>
  </nav>`;
}

function ScheduleList() {
  const { units } = useSession();
  const state = useApi('/schedules?limit=200');
  return html`<${Async} state=${state}>${(data) =>
    data.items.length === 0
      ? html`<${Empty}>${t('schedules.noneYet')}</${Empty}>`
      : html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t('schedules.list')}>
          <table class="data" data-testid="schedule-list">
            <thead><tr><th scope="col">${t('schedules.titleField')}</th><th scope="col">${t('schedules.class')}</th><th scope="col">${t('schedules.when')}</th><th scope="col">${t('schedules.targets')}</th></tr></thead>
            <tbody>
              ${data.items.map(
                (s) => html`<tr key=${s.id} data-schedule=${s.id}>
                  <th scope="row"><a href=${`#/schedules/${s.id}`}>${s.title}</a></th>
                  <td><${ClassBadge} cls=${s.class} /></td>
                  <td>${timingSummary(s.timing)}</td>
                  <td>${[...s.targets.areas.map((c) => units.name(c)), ...s.targets.groups.map((g) => t('schedules.groupN', { id: g })), ...s.targets.devices].join(', ')}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>`}</${Async}>`;
}

export default function Schedules({ query }) {
  const { me } = useSession();
  const area = areaOf(query) || me.scopeCode;
  const monday = query.week ? mondayOf(query.week) : mondayOf(todayLocal());
  const week = useApi(`/areas/${encodeURIComponent(area)}/occurrences${qs({ day: monday, days: 7 })}`);
  const update = (patch) => navigate('/schedules', { ...query, ...patch }, { replace: true });
  const commune = levelOfCode(me.scopeCode) === 'commune';
  return html`<${PageHeader} title=${t('schedules.title')} subtitle=${t('schedules.subtitle')}>
      ${can(me, 'schedules.manage') && html`<a class="button primary" href="#/schedules/new">${t('schedules.new')}</a>`}
    </${PageHeader}>
    <form class="filters" onSubmit=${(e) => e.preventDefault()}><${AreaFilter} query=${query} onChange=${update} /></form>
    <section class="card" aria-labelledby="week-title">
      <h2 id="week-title">${t('schedules.week')}</h2>
      <${WeekNav} monday=${monday} onWeek=${(w) => update({ week: w === mondayOf(todayLocal()) ? '' : w })} />
      <${Async} state=${week}>${(occurrences) => html`<${WeekCalendar} monday=${monday} occurrences=${occurrences} />`}</${Async}>
      <p class="hint">${t('schedules.weekHint')}</p>
    </section>
    ${commune && can(me, 'schedules.manage') && html`<${PriorityOrder} commune=${me.scopeCode} />`}
    <section class="card" aria-labelledby="list-title"><h2 id="list-title">${t('schedules.list')}</h2><${ScheduleList} /></section>`;
}
