// The approver's queue: submitted bulletins that I may approve (my own unit's, as the API rules),
// each with its player and approve / reject-with-a-reason.
import { useState } from 'preact/hooks';
import { Async, PageHeader, SuccessNotice } from '../components/page.js';
import { Pager } from '../components/pager.js';
import { qs } from '../lib/api.js';
import { fmtDateTime } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { navigate } from '../lib/router.js';
import { BulletinActions } from './bulletin-actions.js';
import { durationOf, fmtClock, fmtLoudness } from './bulletin-parts.js';

const LIMIT = 20;

function QueueItem({ b, onDecided }) {
  return html`<li class="card queue-item" data-bulletin=${b.id}>
    <h2><a href=${`#/bulletins/${b.id}`}>${b.title}</a></h2>
    <p class="muted">${[b.ownerAreaName, t(`priority.${b.priorityClass}`), t(`bulletins.lang.${b.language}`), b.category, fmtClock(durationOf(b)), fmtLoudness(b.asset?.loudnessLufs)].filter(Boolean).join(' · ')}</p>
    <p class="muted">${t('bulletins.queue.by', { name: b.createdByName ?? '—', at: fmtDateTime(b.updatedAt) })}</p>
    ${b.notes && html`<p>${b.notes}</p>`}
    ${b.asset && html`<audio controls preload="none" src=${b.asset.url} aria-label=${t('bulletins.previewNamed', { title: b.title })}></audio>`}
    <${BulletinActions} bulletin=${b} only=${['approve', 'reject']} onChanged=${onDecided} />
  </li>`;
}

export default function BulletinQueue({ query }) {
  const offset = Number(query.offset ?? 0);
  const state = useApi(`/bulletins${qs({ approvable: true, limit: LIMIT, offset })}`);
  const [decided, setDecided] = useState('');
  const onDecided = (b) => {
    setDecided(t(`bulletins.queue.decided.${b.status}`, { title: b.title }));
    state.reload();
  };
  return html`<${PageHeader} title=${t('bulletins.queue.title')} subtitle=${t('bulletins.queue.subtitle')}>
      <a class="button secondary" href="#/bulletins">${t('bulletins.backToLibrary')}</a>
    </${PageHeader}>
    <${SuccessNotice} message=${decided} />
    <${Async} state=${state}>${(data) => html`
      ${data.items.length === 0
        ? html`<p class="empty" data-testid="queue-empty">${t('bulletins.queue.empty')}</p>`
        : html`<ul class="plain-list queue" data-testid="queue">${data.items.map((b) => html`<${QueueItem} key=${b.id} b=${b} onDecided=${onDecided} />`)}</ul>`}
      <${Pager} total=${data.total} limit=${LIMIT} offset=${offset} onPage=${(o) => navigate('/bulletins/queue', { offset: o }, { replace: true })} />`}
    </${Async}>`;
}
