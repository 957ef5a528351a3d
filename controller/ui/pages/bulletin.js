// One bulletin: the preview player, its audio processing followed live (and ffmpeg's error when it
// failed), the approval steps this reader may take, its details and its approval history.
import { useState } from 'preact/hooks';
import { Async, ErrorNotice, PageHeader } from '../components/page.js';
import { api } from '../lib/api.js';
import { fmtBytes, fmtDateTime, fmtNumber } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { can, useSession } from '../lib/session.js';
import { BulletinActions } from './bulletin-actions.js';
import { BulletinEdit } from './bulletin-edit.js';
import { durationOf, fmtClock, fmtLoudness, ProgressBar, StatusBadge, useTranscodeProgress } from './bulletin-parts.js';

function Processing({ b, onEnd }) {
  const { me } = useSession();
  const [error, setError] = useState(null);
  const active = b.job?.status === 'queued' || b.job?.status === 'running';
  const live = useTranscodeProgress(b.id, active, onEnd);
  const job = live && active ? { ...b.job, ...live } : b.job;
  if (!job) return null;
  if (job.status === 'failed') {
    const retry = async () => {
      setError(null);
      try {
        await api(`/bulletins/${b.id}/transcode`, { method: 'POST' });
        onEnd();
      } catch (err) {
        setError(err);
      }
    };
    return html`<div class="notice error" role="alert" data-testid="job-failed">
      <p>${t('bulletins.job.failedLong')}</p>
      ${job.error && html`<pre>${job.error}</pre>`}
      <${ErrorNotice} error=${error} />
      ${can(me, 'bulletins.create') && b.status !== 'archived' && html`<button type="button" class="secondary" onClick=${retry}>${t('bulletins.job.retry')}</button>`}
    </div>`;
  }
  if (job.status === 'done') return null;
  return html`<div>
    <${ProgressBar} testId="transcode-progress" ratio=${job.progress} label=${t(`bulletins.job.${job.status}`)} />
    <p class="hint">${t('bulletins.job.hint')}</p>
  </div>`;
}

function Player({ b }) {
  if (b.asset) return html`<audio controls preload="metadata" src=${b.asset.url} data-testid="preview" aria-label=${t('bulletins.preview')}></audio>`;
  if (b.original) return html`<p class="hint">${t('bulletins.previewOriginal')}</p><audio controls preload="none" src=${b.original.url} aria-label=${t('bulletins.previewOriginalLabel')}></audio>`;
  return html`<p class="empty">${t('bulletins.noAudio')}</p>`;
}

function Facts({ b }) {
  const row = (label, value) => value !== null && value !== undefined && value !== '' && html`<div><dt>${label}</dt><dd>${value}</dd></div>`;
  const a = b.asset;
  return html`<dl class="facts">
    ${row(t('bulletins.field.status'), html`<${StatusBadge} status=${b.status} />`)}
    ${row(t('bulletins.field.priorityClass'), t(`priority.${b.priorityClass}`))}
    ${row(t('bulletins.field.language'), t(`bulletins.lang.${b.language}`))}
    ${row(t('bulletins.field.category'), b.category)}
    ${row(t('bulletins.field.owner'), b.ownerAreaName)}
    ${row(t('bulletins.source'), t(`bulletins.source.${b.source}`))}
    ${row(t('bulletins.createdBy'), `${b.createdByName ?? '—'} · ${fmtDateTime(b.createdAt)}`)}
    ${row(t('bulletins.updatedAt'), fmtDateTime(b.updatedAt))}
    ${row(t('bulletins.duration'), fmtClock(durationOf(b)))}
    ${row(t('bulletins.loudness'), a && `${fmtLoudness(a.loudnessLufs)} · ${t('bulletins.truePeak', { db: fmtNumber(a.truePeakDbtp, 1) })}`)}
    ${row(t('bulletins.delivery'), a && `${a.codec} · ${a.bitrate ? `${fmtNumber(a.bitrate / 1000)} kb/s · ` : ''}${fmtNumber(a.sampleRate / 1000, 1)} kHz · ${fmtBytes(a.sizeBytes)}`)}
    ${row(t('bulletins.original'), b.original && `${b.originalFilename ?? ''} (${b.original.formatName}, ${b.original.codec}, ${fmtBytes(b.original.sizeBytes)})`)}
    ${row(t('bulletins.field.notes'), b.notes)}
    ${row(t('bulletins.tts.voice'), b.ttsVoice)}
  </dl>
  ${b.text && html`<h3>${t('bulletins.tts.text')}</h3><p class="spoken-text">${b.text}</p>`}`;
}

// The first entry's reason is the API's own marker ("created"), not a person's words.
function History({ id }) {
  const state = useApi(`/bulletins/${id}/transitions`);
  return html`<${Async} state=${state}>${(items) => html`<ol class="plain-list history" data-testid="history">
    ${items.map(
      (h) => html`<li key=${h.id}>
        <${StatusBadge} status=${h.toStatus} /> ${fmtDateTime(h.at)} · ${h.actorName ?? '—'}
        ${h.reason && h.fromStatus !== null && html`<br /><span class="reason">${t('bulletins.reason')}: ${h.reason}</span>`}
      </li>`,
    )}
  </ol>`}</${Async}>`;
}

/** Drafts and rejected bulletins can be changed by those who make bulletins. */
function Edit({ b, onChanged }) {
  const { me } = useSession();
  const [open, setOpen] = useState(false);
  if (!can(me, 'bulletins.create') || (b.status !== 'draft' && b.status !== 'rejected')) return null;
  return html`<section class="card" aria-labelledby="bulletin-edit">
    <h2 id="bulletin-edit">${t('bulletins.edit.title')}</h2>
    ${open
      ? html`<${BulletinEdit} bulletin=${b} onChanged=${onChanged} onClose=${() => setOpen(false)} />`
      : html`<button type="button" class="secondary" onClick=${() => setOpen(true)}>${t('bulletins.edit.open')}</button>`}
  </section>`;
}

export default function Bulletin({ params }) {
  const state = useApi(`/bulletins/${encodeURIComponent(params.id)}`);
  const b = state.data;
  return html`<${PageHeader} title=${b ? b.title : t('bulletins.one')} subtitle=${b ? b.ownerAreaName : ''}>
      <a class="button secondary" href="#/bulletins">${t('bulletins.backToLibrary')}</a>
    </${PageHeader}>
    <${Async} state=${state}>${(bulletin) => html`
      <section class="card" aria-labelledby="bulletin-audio">
        <h2 id="bulletin-audio">${t('bulletins.audio')}</h2>
        <${Processing} b=${bulletin} onEnd=${state.reload} />
        <${Player} b=${bulletin} />
        <${BulletinActions} bulletin=${bulletin} onChanged=${(next) => state.setData(next)} />
      </section>
      <${Edit} b=${bulletin} onChanged=${(next) => state.setData(next)} />
      <div class="columns">
        <section class="card" aria-labelledby="bulletin-facts"><h2 id="bulletin-facts">${t('bulletins.details')}</h2><${Facts} b=${bulletin} /></section>
        <section class="card" aria-labelledby="bulletin-history"><h2 id="bulletin-history">${t('bulletins.history')}</h2><${History} key=${`${bulletin.status}-${bulletin.updatedAt}`} id=${bulletin.id} /></section>
      </div>`}
    </${Async}>`;
}
