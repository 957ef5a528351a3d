// Choosing areas within the reader's scope (emergency targets, schedule targets): one select of
// the units the reader may act on — their own unit, then each district with its communes — and
// the chosen list with a remove button each. The API checks scope again.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { useSession } from '../lib/session.js';

/** Units inside `scope` (itself included), grouped: [{ unit, children: [...] }] by district. */
export function unitsWithin(units, scope) {
  const inside = (u) => u.code === scope || u.parentCode === scope || units.get(u.parentCode)?.parentCode === scope;
  return units.all.filter(inside);
}

export function AreaPicker({ id, label, value, onChange }) {
  const { me, units } = useSession();
  const [choice, setChoice] = useState('');
  const within = unitsWithin(units, me.scopeCode);
  const districts = within.filter((u) => u.level === 'district');
  const top = within.filter((u) => u.code === me.scopeCode);
  const option = (u, indent = '') => html`<option key=${u.code} value=${u.code} disabled=${value.includes(u.code)}>${indent}${u.name} (${u.code})</option>`;
  const add = () => {
    if (choice && !value.includes(choice)) onChange([...value, choice]);
    setChoice('');
  };
  return html`<div class="area-picker">
    <div class="inline-form">
      <div class="field">
        <label for=${id}>${label}</label>
        <select id=${id} value=${choice} onChange=${(e) => setChoice(e.currentTarget.value)}>
          <option value="">${t('areas.choose')}</option>
          ${top.map((u) => option(u))}
          ${districts.length > 0
            ? districts.map(
                (d) => html`<optgroup key=${d.code} label=${d.name}>
                  ${d.code !== me.scopeCode && option(d)}
                  ${within.filter((c) => c.parentCode === d.code).map((c) => option(c, '— '))}
                </optgroup>`,
              )
            : within.filter((c) => c.level === 'commune' && c.code !== me.scopeCode).map((c) => option(c, '— '))}
        </select>
      </div>
      <button type="button" class="secondary" disabled=${!choice} onClick=${add}>${t('areas.add')}</button>
    </div>
    ${value.length === 0
      ? html`<p class="hint">${t('areas.none')}</p>`
      : html`<ul class="picked" aria-label=${t('areas.picked')} data-testid="picked-areas">
          ${value.map(
            (code) => html`<li key=${code} data-area=${code}>
              <span>${units.name(code)} <small class="muted">(${code})</small></span>
              <button type="button" class="link-button" aria-label=${t('areas.remove', { name: units.name(code) })} onClick=${() => onChange(value.filter((c) => c !== code))}>${t('areas.removeShort')}</button>
            </li>`,
          )}
        </ul>`}
  </div>`;
}
