// Small pieces the broadcast screens share (today, schedules, emergency, device controls): the
// class and outcome badges (always with their word, never colour alone), reasons in the reader's
// language, time ranges, and local-day arithmetic in the province's zone.
import { fmtTime } from '../lib/format.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';

/** `t(key)`, or `fallback` when the dictionaries do not know the key (e.g. a new reason code). */
export function tOr(key, fallback, params) {
  const text = t(key, params);
  return text === key ? fallback : text;
}

export function ClassBadge({ cls }) {
  return html`<span class=${`badge cls cls-${cls}`}>${t(`priority.${cls}`)}</span>`;
}

const OUTCOME_TONE = { finished: 'ok', playing: 'ok', planned: 'muted', interrupted: 'warn', skipped: 'warn', failed: 'bad' };

export function OutcomeBadge({ outcome }) {
  return html`<span class=${`badge ${OUTCOME_TONE[outcome] ?? 'muted'}`} data-outcome=${outcome}>${tOr(`outcome.${outcome}`, outcome)}</span>`;
}

/** Why something failed or was skipped, in words; unknown codes are shown as they are. */
export function reasonText(reason) {
  if (!reason) return '';
  return tOr(`reason.${reason}`, reason);
}

export function fmtRange(startAt, endAt) {
  return `${fmtTime(startAt)}–${fmtTime(endAt)}`;
}

/** `YYYY-MM-DD` plus `n` days (calendar arithmetic; no zone involved). */
export function addDays(day, n) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Monday of the week holding `day` (ISO weeks, as the schedule form counts days: 1 = Monday). */
export function mondayOf(day) {
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

export function EmergencyStatus({ status }) {
  const tone = status === 'active' ? 'bad' : 'muted';
  return html`<span class=${`badge ${tone}`} data-status=${status}>${tOr(`emergency.status.${status}`, status)}</span>`;
}
