// Create (#/schedules/new) or change (#/schedules/:id) a schedule; delete it (its future airings
// are withdrawn from every cluster). After saving, accepted priority clashes are listed.
import { useState } from 'preact/hooks';
import { Async, ErrorNotice, PageHeader } from '../components/page.js';
import { api } from '../lib/api.js';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { navigate } from '../lib/router.js';
import { can, useSession } from '../lib/session.js';
import { unitsWithin } from './area-picker.js';
import { ClassBadge } from './broadcast-parts.js';
import { bulletinLabel, useApprovedBulletins } from './bulletin-select.js';
import { Clashes, ScheduleForm } from './schedule-form.js';
import { timingSummary } from './schedule-timing.js';

function Saved({ result }) {
  return html`<div class="notice success" role="status" data-testid="schedule-saved">
    <p>${t('schedules.saved', { title: result.schedule.title })}</p>
    ${result.priorityClashes.length > 0 && html`<${Clashes} title=${t('schedules.priorityClashes')} clashes=${result.priorityClashes} />`}
    <p class="actions"><a class="button secondary" href="#/schedules">${t('schedules.backToWeek')}</a><a class="button secondary" href=${`#/schedules/${result.schedule.id}`}>${t('common.edit')}</a></p>
  </div>`;
}

/** What a schedule says, for readers who may not change it (another level's programme, a viewer). */
function Facts({ schedule: s }) {
  const { units } = useSession();
  const bulletins = useApprovedBulletins();
  const name = (id) => {
    const b = bulletins.find((x) => x.id === id);
    return b ? bulletinLabel(b) : t('schedules.bulletinN', { id });
  };
  return html`<section class="card" aria-labelledby="sched-facts">
    <h2 id="sched-facts">${t('schedules.details')}</h2>
    <p class="hint">${t('schedules.readOnly')}</p>
    <dl class="facts" data-testid="schedule-facts">
      <div><dt>${t('schedules.class')}</dt><dd><${ClassBadge} cls=${s.class} /></dd></div>
      <div><dt>${t('schedules.when')}</dt><dd>${timingSummary(s.timing)}</dd></div>
      ${(s.validFrom || s.validTo) && html`<div><dt>${t('schedules.validity')}</dt><dd>${s.validFrom ?? '…'} – ${s.validTo ?? '…'}</dd></div>`}
      <div><dt>${t('schedules.content')}</dt><dd>${s.stream ? `${s.stream.url} (${Math.round(s.stream.durationMs / 60_000)} min)` : s.bulletinIds.map(name).join('; ')}</dd></div>
      <div><dt>${t('schedules.targets')}</dt><dd>${s.targets.areas.map((c) => units.name(c)).join(', ') || '—'}</dd></div>
      <div><dt>${t('schedules.owner')}</dt><dd>${units.name(s.ownerAreaCode)}</dd></div>
    </dl>
  </section>`;
}

function Delete({ schedule }) {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState(null);
  const remove = async () => {
    try {
      await api(`/schedules/${schedule.id}`, { method: 'DELETE' });
      navigate('/schedules');
    } catch (err) {
      setError(err);
    }
  };
  return html`<section class="card" aria-labelledby="sched-delete">
    <h2 id="sched-delete">${t('schedules.delete')}</h2>
    <${ErrorNotice} error=${error} />
    ${asking
      ? html`<p>${t('schedules.deleteConfirm', { title: schedule.title })}</p>
          <p class="actions"><button type="button" class="danger solid" onClick=${remove}>${t('schedules.deleteNow')}</button><button type="button" class="secondary" onClick=${() => setAsking(false)}>${t('common.cancel')}</button></p>`
      : html`<button type="button" class="danger" onClick=${() => setAsking(true)}>${t('schedules.delete')}</button>`}
  </section>`;
}

export default function ScheduleEdit({ params }) {
  const { me, units } = useSession();
  const [saved, setSaved] = useState(null);
  const state = useApi(params.id ? `/schedules/${encodeURIComponent(params.id)}` : null);
  // The owner (narrowest unit holding every target) must lie in my area for me to change it.
  const mine = (schedule) => unitsWithin(units, me.scopeCode).some((u) => u.code === schedule.ownerAreaCode);
  const manage = (schedule) => can(me, 'schedules.manage') && mine(schedule);
  if (!params.id) {
    return html`<${PageHeader} title=${t('schedules.new')} />
      ${saved ? html`<${Saved} result=${saved} />` : html`<section class="card"><${ScheduleForm} onSaved=${setSaved} /></section>`}`;
  }
  const s = state.data;
  return html`<${PageHeader} title=${s ? s.title : t('schedules.title')} subtitle=${s ? timingSummary(s.timing) : ''} />
    <${Async} state=${state}>${(schedule) =>
      saved
        ? html`<${Saved} result=${saved} />`
        : html`${manage(schedule) ? html`<section class="card"><${ScheduleForm} key=${schedule.updatedAt} schedule=${schedule} onSaved=${(r) => {
              setSaved(r);
              state.reload();
            }} /></section>` : html`<${Facts} schedule=${schedule} />`}
            ${manage(schedule) && html`<${Delete} schedule=${schedule} />`}`}</${Async}>`;
}
