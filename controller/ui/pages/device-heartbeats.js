// The cluster's latest heartbeats (kept raw for LOA_TELEMETRY_RAW_RETENTION_DAYS).
import { fmtBytes, fmtDateTime, fmtDuration, fmtNumber } from '../lib/format.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';

export function Heartbeats({ items }) {
  if (items.length === 0) return html`<p class="empty">${t('device.noHeartbeats')}</p>`;
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t('device.heartbeats')}>
    <table class="data compact" data-testid="heartbeats">
      <thead><tr>
        <th scope="col">${t('device.receivedAt')}</th><th scope="col" class="num">${t('device.volume')}</th><th scope="col">${t('device.power')}</th>
        <th scope="col">${t('device.playing')}</th><th scope="col" class="num">${t('device.signal')}</th><th scope="col" class="num">${t('device.cache')}</th>
        <th scope="col" class="num">${t('devices.clock')}</th><th scope="col" class="num">${t('device.uptime')}</th>
      </tr></thead>
      <tbody>
        ${items.map(
          (h) => html`<tr key=${h.receivedAt}>
            <td>${fmtDateTime(h.receivedAt)}</td>
            <td class="num">${h.volume}</td>
            <td>${t(`device.power.${h.power}`)}</td>
            <td>${h.playingClass ? t(`priority.${h.playingClass}`) : '—'}</td>
            <td class="num">${h.signalDbm === null ? '—' : `${fmtNumber(h.signalDbm)} dBm`}</td>
            <td class="num">${fmtBytes(h.cacheBytes)}</td>
            <td class="num">${h.clockOffsetMs === null ? '—' : `${fmtNumber(h.clockOffsetMs)} ms`}</td>
            <td class="num">${fmtDuration(h.uptimeS)}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
