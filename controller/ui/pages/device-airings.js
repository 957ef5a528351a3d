// What one cluster aired yesterday and today (its proof of play, GET /devices/:id/airings): each
// scheduled airing with its outcome as the cluster reported it, when it actually started, and why
// it failed or was cut short. Refreshed as the cluster reports (the `airing` live event).
import { Async } from '../components/page.js';
import { fmtDateTime, fmtTime } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { useLiveEvent } from '../lib/live.js';
import { ClassBadge, OutcomeBadge, reasonText } from './broadcast-parts.js';

function details(a) {
  const out = [];
  if (a.startedAt) out.push(t('controls.airedAt', { start: fmtTime(a.startedAt), end: a.endedAt ? fmtTime(a.endedAt) : '…' }));
  if (a.reason) out.push(reasonText(a.reason));
  if (a.interruptedBy?.class) out.push(t('today.interruptedBy', { cls: t(`priority.${a.interruptedBy.class}`) }));
  return out;
}

export function DeviceAirings({ device }) {
  const state = useApi(`/devices/${encodeURIComponent(device.id)}/airings`);
  useLiveEvent('airing', (event) => event.deviceId === device.id && state.reload());
  return html`<${Async} state=${state}>${(airings) => {
    if (airings.length === 0) return html`<p class="empty">${t('controls.noAirings')}</p>`;
    return html`<ul class="plain-list" data-testid="device-airings">
      ${[...airings].reverse().map(
        (a) => html`<li key=${a.occurrenceId} data-occurrence=${a.occurrenceId} data-outcome=${a.outcome}>
          <strong>${fmtDateTime(a.plannedStartAt)}</strong> ${a.title} <${ClassBadge} cls=${a.class} /> <${OutcomeBadge} outcome=${a.outcome} />
          ${details(a).length > 0 && html`<br /><small class="muted">${details(a).join(' · ')}</small>`}
        </li>`,
      )}
    </ul>`;
  }}</${Async}>`;
}
