// Pieces the bulletin screens share: the status mark, durations and loudness as staff read them,
// who may do what to a bulletin (a courtesy: the API decides and its refusal is shown), and the
// live processing progress of a bulletin's audio (GET /bulletins/:id/progress, server-sent events).
// Kept with the pages rather than in lib/ so that screens without bulletins never download it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { fmtNumber } from '../lib/format.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { can, levelOfCode } from '../lib/session.js';

export const STATUSES = ['draft', 'submitted', 'approved', 'rejected', 'archived'];
export const LANGUAGES = ['vi', 'tay', 'nung', 'dao', 'hmong', 'san_chay', 'other'];
export const PRIORITY_CLASSES = ['normal', 'priority', 'emergency'];

const STATUS_TONE = { draft: 'muted', submitted: 'warn', approved: 'ok', rejected: 'bad', archived: 'muted' };

export function StatusBadge({ status }) {
  return html`<span class=${`badge ${STATUS_TONE[status]}`} data-status=${status}>${t(`bulletins.status.${status}`)}</span>`;
}

/** Where the audio processing stands, in words (nothing once it is done). */
export function JobNote({ job }) {
  if (!job || job.status === 'done') return null;
  if (job.status === 'failed') return html`<span class="badge bad">${t('bulletins.job.failed')}</span>`;
  return html`<span class="badge muted">${t(`bulletins.job.${job.status}`)}${job.status === 'running' ? ` ${fmtNumber(job.progress * 100)}%` : ''}</span>`;
}

/** 3:07, 1:02:05 — a bulletin's length as a player shows it. */
export function fmtClock(ms) {
  if (ms === null || ms === undefined) return '—';
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export function fmtLoudness(lufs) {
  return lufs === null || lufs === undefined ? '—' : `${fmtNumber(lufs, 1)} LUFS`;
}

export const durationOf = (b) => b.asset?.durationMs ?? b.original?.durationMs ?? null;

const APPROVER_BY_LEVEL = { commune: 'commune_approver', district: 'district_staff', province: 'province_admin' };

/** The approver of a bulletin is the approver role of its owner's level, of that very unit (controller/bulletins/approval.ts). */
export function mayApprove(me, bulletin) {
  return can(me, 'bulletins.approve') && me.role === APPROVER_BY_LEVEL[levelOfCode(bulletin.ownerAreaCode)] && me.scopeCode === bulletin.ownerAreaCode;
}

/** The approval steps this reader may take on this bulletin now. */
export function availableActions(me, b) {
  const creator = can(me, 'bulletins.create');
  const ready = !!b.asset;
  const actions = [];
  if (creator && b.status === 'draft' && ready) actions.push('submit');
  if (creator && b.status === 'submitted') actions.push('withdraw');
  if (b.status === 'submitted' && ready && mayApprove(me, b)) actions.push('approve', 'reject');
  if (creator && b.status !== 'archived') actions.push('archive');
  return actions;
}

/**
 * A labelled progress bar with its figure written next to it. Only the label is announced (once,
 * as it changes): a live region around the bar would read out every percent.
 */
export function ProgressBar({ ratio, label, testId }) {
  const pct = Math.round(Math.max(0, Math.min(1, ratio ?? 0)) * 100);
  return html`<div class="progress-line" data-testid=${testId}>
    <span class="progress-label" role="status">${label}</span>
    <progress max="100" value=${pct} aria-label=${label}>${pct}%</progress>
    <span class="progress-value">${pct}%</span>
  </div>`;
}

/**
 * Follows the processing of a bulletin's audio while `active`: the last update ({status,
 * progress, error}) or null. `onEnd` runs once the job is done or failed. EventSource reconnects
 * by itself after a network break, and the server starts every stream with the current state.
 */
export function useTranscodeProgress(bulletinId, active, onEnd) {
  const [update, setUpdate] = useState(null);
  const ended = useRef(onEnd);
  ended.current = onEnd;
  useEffect(() => {
    setUpdate(null);
    if (!active) return undefined;
    const source = new EventSource(`/api/v1/bulletins/${bulletinId}/progress`);
    source.addEventListener('progress', (e) => setUpdate(JSON.parse(e.data)));
    const finish = (e) => {
      source.close();
      setUpdate(JSON.parse(e.data));
      ended.current?.();
    };
    source.addEventListener('done', finish);
    source.addEventListener('failed', finish);
    return () => source.close();
  }, [bulletinId, active]);
  return update;
}
