// One occurrence of the commune's day: when and what, each cluster's result (aired, failed and
// why, interrupted by what), and the confirmation — heard, or a problem with a note (required).
import { useState } from 'preact/hooks';
import { ErrorNotice } from '../components/page.js';
import { api } from '../lib/api.js';
import { fmtNumber, fmtTime } from '../lib/format.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { can, useSession } from '../lib/session.js';
import { ClassBadge, fmtRange, OutcomeBadge, reasonText } from './broadcast-parts.js';

function ClusterResult({ d }) {
  const details = [];
  if (d.startedAt) details.push(t('today.startedAt', { time: fmtTime(d.startedAt) }));
  if (d.skewMs !== null && d.skewMs !== undefined && Math.abs(d.skewMs) >= 1000) details.push(t('today.late', { s: fmtNumber(d.skewMs / 1000, 1) }));
  if (d.reason) details.push(reasonText(d.reason));
  if (d.interruptedBy?.class) details.push(t('today.interruptedBy', { cls: t(`priority.${d.interruptedBy.class}`) }));
  return html`<li data-device=${d.deviceId}>
    <span class="cluster-name">${d.deviceName}</span> <${OutcomeBadge} outcome=${d.outcome} />
    ${details.length > 0 && html`<br /><small class="muted">${details.join(' · ')}</small>`}
  </li>`;
}

function Confirmation({ occurrence, commune, onChanged }) {
  const { me } = useSession();
  const current = occurrence.confirmations.find((c) => c.communeCode === commune);
  const [flagging, setFlagging] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const started = occurrence.startAt <= Date.now();
  const send = async (status) => {
    setBusy(true);
    setError(null);
    try {
      await api(`/communes/${encodeURIComponent(commune)}/occurrences/${occurrence.id}/confirmation`, { method: 'PUT', body: status === 'heard' ? { status } : { status, note } });
      setFlagging(false);
      setNote('');
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const noteId = `note-${occurrence.id}`;
  const mayConfirm = can(me, 'broadcasts.confirm') && me.scopeCode === commune;
  return html`<div class="confirmation">
    <p class="confirmation-state" data-testid="confirmation-state" role="status">
      ${current
        ? html`<span class=${`badge ${current.status === 'heard' ? 'ok' : 'bad'}`} data-confirmation=${current.status}>${t(`today.confirmed.${current.status}`)}</span>
            <small class="muted"> ${t('today.confirmedBy', { time: fmtTime(current.at), name: current.userName ?? '—' })}</small>
            ${current.note && html`<br /><q>${current.note}</q>`}`
        : html`<span class="muted">${t('today.notConfirmed')}</span>`}
    </p>
    <${ErrorNotice} error=${error} />
    ${mayConfirm &&
    (!started
      ? html`<p class="hint">${t('today.notStarted')}</p>`
      : flagging
        ? html`<form class="flag-form" onSubmit=${(e) => {
            e.preventDefault();
            send('problem');
          }}>
            <div class="field"><label for=${noteId}>${t('today.noteLabel')}</label>
              <textarea id=${noteId} rows="3" required maxLength="2000" value=${note} onInput=${(e) => setNote(e.currentTarget.value)} placeholder=${t('today.notePlaceholder')}></textarea></div>
            <p class="actions">
              <button type="submit" class="danger" disabled=${busy || !note.trim()}>${t('today.sendProblem')}</button>
              <button type="button" class="secondary" onClick=${() => setFlagging(false)}>${t('common.cancel')}</button>
            </p>
          </form>`
        : html`<p class="actions confirm-actions">
            <button type="button" class="primary" disabled=${busy} onClick=${() => send('heard')}>${current?.status === 'heard' ? t('today.heardAgain') : t('today.heard')}</button>
            <button type="button" class="danger" disabled=${busy} onClick=${() => setFlagging(true)}>${t('today.problem')}</button>
          </p>`)}
  </div>`;
}

export function OccurrenceCard({ occurrence: o, commune, onChanged }) {
  const aired = o.counts.playing + o.counts.finished + o.counts.interrupted;
  return html`<article class="card occurrence" data-occurrence=${o.id} aria-labelledby=${`occ-${o.id}`}>
    <header class="occurrence-head">
      <h2 id=${`occ-${o.id}`}><span class="occurrence-time">${fmtRange(o.startAt, o.endAt)}</span> ${o.title}</h2>
      <${ClassBadge} cls=${o.class} />
    </header>
    <p class="muted occurrence-counts">${t('today.airedOf', { aired, total: o.devices.length })}${o.counts.failed ? ` · ${t('today.failedCount', { n: o.counts.failed })}` : ''}</p>
    <ul class="plain-list cluster-results" aria-label=${t('today.clusters')}>
      ${o.devices.map((d) => html`<${ClusterResult} key=${d.deviceId} d=${d} />`)}
    </ul>
    <${Confirmation} occurrence=${o} commune=${commune} onChanged=${onChanged} />
  </article>`;
}
