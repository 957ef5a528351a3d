// A select of the approved bulletins the reader may put on air (GET /bulletins?usable=true: their
// own unit's, those of units inside it and of the district and province above it — exactly what
// the API accepts), with each one's length and owner. Used by the emergency form, the schedule
// playlist and a cluster's "play now".
import { fmtDuration } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';

export function useApprovedBulletins() {
  const state = useApi('/bulletins?usable=true&limit=200');
  return state.data?.items ?? [];
}

export function bulletinLabel(b) {
  const seconds = b.asset?.durationMs ? Math.round(b.asset.durationMs / 1000) : null;
  return `${b.title}${seconds !== null ? ` (${fmtDuration(seconds)})` : ''} — ${b.ownerAreaName}`;
}

export function BulletinSelect({ id, label, value, onChange, bulletins, required = false }) {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <select id=${id} value=${value ?? ''} required=${required} onChange=${(e) => onChange(e.currentTarget.value ? Number(e.currentTarget.value) : null)}>
      <option value="">${bulletins.length ? t('bulletinPick.choose') : t('bulletinPick.none')}</option>
      ${bulletins.map((b) => html`<option key=${b.id} value=${b.id}>${bulletinLabel(b)}</option>`)}
    </select>
  </div>`;
}
