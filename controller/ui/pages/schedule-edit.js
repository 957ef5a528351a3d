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
import { Clashes, ScheduleForm } from './schedule-form.js';
import { timingSummary } from './schedule-timing.js';

function Saved({ result }) {
  return html`<div class="notice success" role="status" data-testid="schedule-saved">
    <p>${t('schedules.saved', { title: result.schedule.title })}</p>
    ${result.priorityClashes.length > 0 && html`<${Clashes} title=${t('schedules.priorityClashes')} clashes=${result.priorityClashes} />`}
    <p class="actions"><a class="button secondary" href="#/schedules">${t('schedules.backToWeek')}</a><a class="button secondary" href=${`#/schedules/${result.schedule.id}`}>${t('common.edit')}</a></p>
  </div>`;
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
  const { me } = useSession();
  const [saved, setSaved] = useState(null);
  const state = useApi(params.id ? `/schedules/${encodeURIComponent(params.id)}` : null);
  const manage = can(me, 'schedules.manage');
  if (!params.id) {
    return html`<${PageHeader} title=${t('schedules.new')} />
      ${saved ? html`<${Saved} result=${saved} />` : html`<section class="card"><${ScheduleForm} onSaved=${setSaved} /></section>`}`;
  }
  const s = state.data;
  return html`<${PageHeader} title=${s ? s.title : t('schedules.title')} subtitle=${s ? timingSummary(s.timing) : ''} />
    <${Async} state=${state}>${(schedule) =>
      saved
        ? html`<${Saved} result=${saved} />`
        : html`${manage ? html`<section class="card"><${ScheduleForm} key=${schedule.updatedAt} schedule=${schedule} onSaved=${(r) => {
              setSaved(r);
              state.reload();
            }} /></section>` : html`<p>${t('schedules.readOnly')}</p>`}
            ${manage && html`<${Delete} schedule=${schedule} />`}`}</${Async}>`;
}
