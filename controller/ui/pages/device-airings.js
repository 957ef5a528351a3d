// What one cluster aired yesterday and today (its proof of play): the commune's airings from the
// day view, narrowed to this cluster, with each outcome and why it failed.
import { Async } from '../components/page.js';
import { qs } from '../lib/api.js';
import { fmtDateTime, todayLocal } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { addDays, ClassBadge, OutcomeBadge, reasonText } from './broadcast-parts.js';

export function DeviceAirings({ device }) {
  const state = useApi(`/areas/${encodeURIComponent(device.communeCode)}/occurrences${qs({ day: addDays(todayLocal(), -1), days: 2 })}`);
  return html`<${Async} state=${state}>${(occurrences) => {
    const mine = occurrences
      .map((o) => ({ o, d: o.devices.find((x) => x.deviceId === device.id) }))
      .filter((x) => x.d)
      .reverse();
    if (mine.length === 0) return html`<p class="empty">${t('controls.noAirings')}</p>`;
    return html`<ul class="plain-list" data-testid="device-airings">
      ${mine.map(
        ({ o, d }) => html`<li key=${o.id} data-occurrence=${o.id}>
          <strong>${fmtDateTime(o.startAt)}</strong> ${o.title} <${ClassBadge} cls=${o.class} /> <${OutcomeBadge} outcome=${d.outcome} />
          ${d.reason && html`<br /><small class="muted">${reasonText(d.reason)}</small>`}
        </li>`,
      )}
    </ul>`;
  }}</${Async}>`;
}
