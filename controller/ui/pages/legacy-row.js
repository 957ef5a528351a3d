// One legacy station, with the province's in-place edit of its replacement year and status.
import { useState } from 'preact/hooks';
import { ReplacementBadge, TechBadge } from '../components/status.js';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { useSession } from '../lib/session.js';
import { REPLACEMENT_STATUSES } from './station-edit.js';

export function LegacyRow({ station, editable, onSaved }) {
  const { units } = useSession();
  const [year, setYear] = useState(station.plannedReplacementYear ?? '');
  const [status, setStatus] = useState(station.replacementStatus);
  const [message, setMessage] = useState('');
  const [failed, setFailed] = useState(false);
  const dirty = String(year) !== String(station.plannedReplacementYear ?? '') || status !== station.replacementStatus;
  const save = async () => {
    try {
      await api(`/stations/${station.id}`, { method: 'PATCH', body: { plannedReplacementYear: year === '' ? null : Number(year), replacementStatus: status } });
      setFailed(false);
      setMessage(t('common.saved'));
      onSaved();
    } catch (err) {
      setFailed(true);
      setMessage(err.message);
    }
  };
  const yearId = `year-${station.id}`;
  const statusId = `status-${station.id}`;
  return html`<tr data-station=${station.id}>
    <th scope="row"><a href=${`#/stations/${station.id}`}>${station.communeName}</a></th>
    <td>${units.name(station.districtCode)}</td>
    <td><${TechBadge} technology=${station.technology} /></td>
    ${editable
      ? html`<td><label class="sr-only" for=${yearId}>${t('legacy.plannedYearOf', { name: station.communeName })}</label>
            <input id=${yearId} class="year-input" type="number" min="2000" max="2100" value=${year} onInput=${(e) => setYear(e.currentTarget.value)} /></td>
          <td><label class="sr-only" for=${statusId}>${t('legacy.statusOf', { name: station.communeName })}</label>
            <select id=${statusId} value=${status} onChange=${(e) => setStatus(e.currentTarget.value)}>
              ${REPLACEMENT_STATUSES.map((s) => html`<option key=${s} value=${s}>${t(`replacement.${s}`)}</option>`)}
            </select></td>
          <td><button type="button" class="secondary small" disabled=${!dirty} onClick=${save}>${t('common.save')}</button>
            <span class=${failed ? 'bad-text' : 'good-text'} role="status">${message}</span></td>`
      : html`<td>${station.plannedReplacementYear ?? '—'}</td><td><${ReplacementBadge} status=${station.replacementStatus} /></td>`}
  </tr>`;
}
