// Labelled form controls: every input has a visible label tied to it, hints are announced with it.
import { html } from '../lib/html.js';

let counter = 0;
const nextId = (prefix) => `${prefix}-${++counter}`;

export function Field({ label, id, hint, children }) {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    ${children}
    ${hint && html`<small id=${`${id}-hint`} class="hint">${hint}</small>`}
  </div>`;
}

export function TextField({ label, value, onInput, type = 'text', id, hint, ...rest }) {
  const inputId = id ?? rest.name ?? nextId('f');
  return html`<${Field} label=${label} id=${inputId} hint=${hint}>
    <input id=${inputId} type=${type} value=${value ?? ''} onInput=${(e) => onInput(e.currentTarget.value)} aria-describedby=${hint ? `${inputId}-hint` : undefined} ...${rest} />
  </${Field}>`;
}

/** options: [{ value, label }] */
export function SelectField({ label, value, onChange, options, id, ...rest }) {
  const selectId = id ?? rest.name ?? nextId('s');
  return html`<${Field} label=${label} id=${selectId}>
    <select id=${selectId} value=${value ?? ''} onChange=${(e) => onChange(e.currentTarget.value)} ...${rest}>
      ${options.map((o) => html`<option key=${o.value} value=${o.value}>${o.label}</option>`)}
    </select>
  </${Field}>`;
}
