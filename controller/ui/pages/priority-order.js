// Circular 39: clashing priority airings in a commune play one after another, and the commune
// decides the order. Each clash shows the airings in the order they will play (with the time each
// one gets); the operator moves them up or down and saves.
import { useState } from 'preact/hooks';
import { ErrorNotice } from '../components/page.js';
import { api } from '../lib/api.js';
import { fmtDateTime, fmtTime } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';

function Clash({ clash, commune, onSaved }) {
  const [order, setOrder] = useState(clash.occurrences);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const move = (i, by) => {
    const next = [...order];
    const [item] = next.splice(i, 1);
    next.splice(i + by, 0, item);
    setOrder(next);
    setSaved(false);
  };
  const save = async () => {
    setError(null);
    try {
      await api(`/communes/${encodeURIComponent(commune)}/priority-order`, { method: 'PUT', body: { occurrenceIds: order.map((o) => o.occurrenceId) } });
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  return html`<li class="card" data-testid="priority-clash">
    <p>${clash.decided ? t('schedules.order.decided') : t('schedules.order.undecided')}</p>
    <${ErrorNotice} error=${error} />
    <ol class="picked">
      ${order.map(
        (o, i) => html`<li key=${o.occurrenceId} data-occurrence=${o.occurrenceId}>
          <span><strong>${o.title}</strong><br /><small class="muted">${t('schedules.order.plannedPlays', { planned: fmtDateTime(o.plannedStartAt), plays: fmtTime(o.playsAt) })}</small></span>
          <span class="actions">
            <button type="button" class="secondary small" disabled=${i === 0} onClick=${() => move(i, -1)} aria-label=${t('schedules.order.up', { title: o.title })}>↑</button>
            <button type="button" class="secondary small" disabled=${i === order.length - 1} onClick=${() => move(i, 1)} aria-label=${t('schedules.order.down', { title: o.title })}>↓</button>
          </span>
        </li>`,
      )}
    </ol>
    <p class="actions"><button type="button" class="primary" onClick=${save}>${t('schedules.order.save')}</button>${saved && html`<span class="good-text" role="status">${t('common.saved')}</span>`}</p>
  </li>`;
}

export function PriorityOrder({ commune }) {
  const state = useApi(`/communes/${encodeURIComponent(commune)}/priority-clashes`);
  if (!state.data) return null;
  return html`<section class="card" aria-labelledby="priority-title">
    <h2 id="priority-title">${t('schedules.order.title')}</h2>
    <p class="hint">${t('schedules.order.explain')}</p>
    ${state.data.length === 0
      ? html`<p class="empty">${t('schedules.order.none')}</p>`
      : html`<ol class="plain-list">${state.data.map((c) => html`<${Clash} key=${c.occurrences.map((o) => o.occurrenceId).join('-')} clash=${c} commune=${commune} onSaved=${state.reload} />`)}</ol>`}
  </section>`;
}
