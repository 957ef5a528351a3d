// The bulletin library of my area: filters (status, category, language, priority class, area,
// search), paging, and for each bulletin its length, delivered loudness, status and who made it when.
import { AreaFilter, areaOf } from '../components/area-filter.js';
import { SelectField, TextField } from '../components/form.js';
import { Async, PageHeader } from '../components/page.js';
import { Pager } from '../components/pager.js';
import { qs } from '../lib/api.js';
import { fmtDateTime } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { navigate } from '../lib/router.js';
import { can, useSession } from '../lib/session.js';
import { durationOf, fmtClock, fmtLoudness, JobNote, LANGUAGES, PRIORITY_CLASSES, STATUSES, StatusBadge } from './bulletin-parts.js';

const LIMIT = 25;
const all = () => ({ value: '', label: t('common.all') });

function Filters({ query, update }) {
  return html`<form class="filters" role="search" onSubmit=${(e) => e.preventDefault()}>
    <${AreaFilter} query=${query} onChange=${update} />
    <${SelectField} name="status" label=${t('bulletins.field.status')} value=${query.status ?? ''} onChange=${(v) => update({ status: v })}
      options=${[all(), ...STATUSES.map((s) => ({ value: s, label: t(`bulletins.status.${s}`) }))]} />
    <${SelectField} name="priorityClass" label=${t('bulletins.field.priorityClass')} value=${query.priorityClass ?? ''} onChange=${(v) => update({ priorityClass: v })}
      options=${[all(), ...PRIORITY_CLASSES.map((c) => ({ value: c, label: t(`priority.${c}`) }))]} />
    <${SelectField} name="language" label=${t('bulletins.field.language')} value=${query.language ?? ''} onChange=${(v) => update({ language: v })}
      options=${[all(), ...LANGUAGES.map((l) => ({ value: l, label: t(`bulletins.lang.${l}`) }))]} />
    <${TextField} name="category" label=${t('bulletins.field.category')} value=${query.category ?? ''} onInput=${(v) => update({ category: v })} maxLength="100" />
    <${TextField} name="q" type="search" label=${t('bulletins.search')} value=${query.q ?? ''} onInput=${(v) => update({ q: v })} maxLength="100" />
  </form>`;
}

export function BulletinTable({ items, label }) {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label=${label}>
    <table class="data bulletins-table" data-testid="bulletins-table">
      <thead><tr>
        <th scope="col">${t('bulletins.field.title')}</th><th scope="col">${t('bulletins.field.status')}</th>
        <th scope="col" class="num">${t('bulletins.duration')}</th><th scope="col" class="num">${t('bulletins.loudness')}</th>
        <th scope="col">${t('bulletins.createdBy')}</th>
      </tr></thead>
      <tbody>
        ${items.map(
          (b) => html`<tr key=${b.id} data-bulletin=${b.id}>
            <th scope="row"><a href=${`#/bulletins/${b.id}`}>${b.title}</a>
              <br /><small class="muted">${b.ownerAreaName}${b.category ? ` · ${b.category}` : ''} · ${t(`bulletins.lang.${b.language}`)}${b.priorityClass !== 'normal' ? ` · ${t(`priority.${b.priorityClass}`)}` : ''}</small></th>
            <td><${StatusBadge} status=${b.status} /> <${JobNote} job=${b.job} /></td>
            <td class="num">${fmtClock(durationOf(b))}</td>
            <td class="num">${fmtLoudness(b.asset?.loudnessLufs)}</td>
            <td>${b.createdByName ?? '—'}<br /><small class="muted">${fmtDateTime(b.createdAt)}</small></td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export default function Bulletins({ query }) {
  const { me } = useSession();
  const offset = Number(query.offset ?? 0);
  const state = useApi(
    `/bulletins${qs({ area: areaOf(query), status: query.status, priorityClass: query.priorityClass, language: query.language, category: query.category, q: query.q, limit: LIMIT, offset })}`,
  );
  const update = (patch) => navigate('/bulletins', { ...query, ...patch, offset: patch.offset ?? 0 }, { replace: true });
  return html`<${PageHeader} title=${t('bulletins.title')} subtitle=${t('bulletins.subtitle')}>
      ${can(me, 'bulletins.approve') && html`<a class="button secondary" href="#/bulletins/queue">${t('bulletins.queue.title')}</a>`}
      ${can(me, 'bulletins.create') && html`<a class="button primary" href="#/bulletins/new">${t('bulletins.new')}</a>`}
    </${PageHeader}>
    <${Filters} query=${query} update=${update} />
    <${Async} state=${state}>${(data) => html`
      ${data.items.length === 0 ? html`<p class="empty">${t('bulletins.none')}</p>` : html`<${BulletinTable} items=${data.items} label=${t('bulletins.title')} />`}
      <${Pager} total=${data.total} limit=${LIMIT} offset=${offset} onPage=${(o) => update({ offset: o })} />`}
    </${Async}>`;
}
