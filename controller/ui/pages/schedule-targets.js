// Targets beyond whole areas: named device groups (ticked) and single clusters (picked from the
// clusters in my area), for the schedule form. The API checks scope again.
import { useState } from 'preact/hooks';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';

export function GroupTargets({ value, onChange }) {
  const state = useApi('/device-groups');
  const groups = state.data ?? [];
  if (groups.length === 0) return null;
  const toggle = (id) => onChange(value.includes(id) ? value.filter((x) => x !== id) : [...value, id]);
  return html`<fieldset>
    <legend>${t('schedules.groups')}</legend>
    <div class="choice-row">
      ${groups.map(
        (g) => html`<label key=${g.id}><input type="checkbox" checked=${value.includes(g.id)} onChange=${() => toggle(g.id)} />${g.name} <small class="muted">(${t('schedules.groupSize', { n: g.deviceIds.length })})</small></label>`,
      )}
    </div>
  </fieldset>`;
}

export function DeviceTargets({ value, onChange }) {
  const state = useApi('/devices?limit=1000');
  const [choice, setChoice] = useState('');
  const devices = state.data?.items ?? [];
  const name = (id) => {
    const d = devices.find((x) => x.id === id);
    return d ? `${d.name} — ${d.communeName}` : id;
  };
  return html`<div>
    <div class="inline-form">
      <div class="field">
        <label for="sched-device">${t('schedules.device')}</label>
        <select id="sched-device" value=${choice} onChange=${(e) => setChoice(e.currentTarget.value)}>
          <option value="">${t('schedules.chooseDevice')}</option>
          ${devices.map((d) => html`<option key=${d.id} value=${d.id} disabled=${value.includes(d.id)}>${d.name} — ${d.communeName}</option>`)}
        </select>
      </div>
      <button type="button" class="secondary" disabled=${!choice} onClick=${() => {
        onChange([...value, choice]);
        setChoice('');
      }}>${t('areas.add')}</button>
    </div>
    ${value.length > 0 &&
    html`<ul class="picked" aria-label=${t('schedules.devicesPicked')}>
      ${value.map(
        (id) => html`<li key=${id}><span>${name(id)}</span>
          <button type="button" class="link-button" aria-label=${t('areas.remove', { name: name(id) })} onClick=${() => onChange(value.filter((x) => x !== id))}>${t('areas.removeShort')}</button></li>`,
      )}
    </ul>`}
  </div>`;
}
