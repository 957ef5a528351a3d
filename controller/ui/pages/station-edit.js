// The province's edit of a station: technology (a change is recorded in its history and feeds
// the reports), commissioning date and the legacy replacement plan.
import { useState } from 'preact/hooks';
import { SelectField, TextField } from '../components/form.js';
import { ErrorNotice, SuccessNotice } from '../components/page.js';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';

export const TECHNOLOGIES = ['it_telecom', 'fm', 'wired', 'mixed', 'none'];
export const REPLACEMENT_STATUSES = ['not_planned', 'planned', 'in_progress', 'replaced'];

export function StationEditForm({ station, onSaved }) {
  const [form, setForm] = useState({
    technology: station.technology,
    commissionedOn: station.commissionedOn ?? '',
    plannedReplacementYear: station.plannedReplacementYear ?? '',
    replacementStatus: station.replacementStatus,
    notes: station.notes ?? '',
  });
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState('');
  const set = (key) => (value) => setForm({ ...form, [key]: value });
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    setSaved('');
    try {
      await api(`/stations/${station.id}`, {
        method: 'PATCH',
        body: {
          technology: form.technology,
          commissionedOn: form.commissionedOn || null,
          plannedReplacementYear: form.plannedReplacementYear === '' ? null : Number(form.plannedReplacementYear),
          replacementStatus: form.replacementStatus,
          notes: form.notes || null,
        },
      });
      setSaved(t('common.saved'));
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  return html`<form class="stack" onSubmit=${submit}>
    <${ErrorNotice} error=${error} />
    <${SuccessNotice} message=${saved} />
    <${SelectField} name="technology" label=${t('stations.technology')} value=${form.technology} onChange=${set('technology')}
      options=${TECHNOLOGIES.map((x) => ({ value: x, label: t(`tech.${x}`) }))} />
    <${TextField} name="commissionedOn" type="date" label=${t('station.commissionedOn')} value=${form.commissionedOn} onInput=${set('commissionedOn')} />
    <${TextField} name="plannedReplacementYear" type="number" min="2000" max="2100" label=${t('legacy.plannedYear')} value=${form.plannedReplacementYear} onInput=${set('plannedReplacementYear')} />
    <${SelectField} name="replacementStatus" label=${t('legacy.status')} value=${form.replacementStatus} onChange=${set('replacementStatus')}
      options=${REPLACEMENT_STATUSES.map((x) => ({ value: x, label: t(`replacement.${x}`) }))} />
    <${TextField} name="notes" label=${t('station.notes')} value=${form.notes} onInput=${set('notes')} maxLength="2000" />
    <button type="submit" class="primary">${t('common.save')}</button>
  </form>`;
}
