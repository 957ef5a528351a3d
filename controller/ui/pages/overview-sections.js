// The overview's tables: districts at a glance, stations that have gone silent, and where the
// replacement of FM and wired stations stands.
import { Meter } from '../components/status.js';
import { fmtAgo, fmtNumber, fmtPercent } from '../lib/format.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { href } from '../lib/router.js';
import { useSession } from '../lib/session.js';

export function DistrictTable({ data }) {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t('overview.districtsTitle')}>
    <table class="data" data-testid="district-table">
      <thead><tr>
        <th scope="col">${t('common.district')}</th>
        <th scope="col" class="num">${t('overview.col.communes')}</th>
        <th scope="col" class="num">${t('overview.col.smart')}</th>
        <th scope="col" class="num">${t('overview.col.stationsOnline')}</th>
        <th scope="col" class="num">${t('overview.col.devicesOnline')}</th>
        <th scope="col">${t('overview.col.uptime')}</th>
        <th scope="col" class="num">${t('overview.col.silent')}</th>
      </tr></thead>
      <tbody>
        ${data.districts.map(
          (d) => html`<tr key=${d.districtCode} data-district=${d.districtCode}>
            <th scope="row"><a href=${href('/stations', { district: d.districtCode })}>${d.districtName}</a></th>
            <td class="num">${fmtNumber(d.communes)}</td>
            <td class="num">${fmtNumber(d.stations.it_telecom)} <small>(${fmtPercent(d.smartShare, 0)})</small></td>
            <td class="num">${fmtNumber(d.stationsOnline)} / ${fmtNumber(d.stationsWithDevices)}</td>
            <td class="num" data-testid="devices-online">${fmtNumber(d.devicesOnline)} / ${fmtNumber(d.devicesTotal)}</td>
            <td><${Meter} ratio=${d.uptime30d.ratio} label=${t('overview.col.uptime')} /></td>
            <td class=${`num${d.silentStations > 0 ? ' bad-text' : ''}`}>${fmtNumber(d.silentStations)}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function SilentList({ items, total }) {
  const { units } = useSession();
  if (items.length === 0) return html`<p class="empty good-text">${t('overview.noSilent')}</p>`;
  return html`<ul class="plain-list" data-testid="silent-list">
      ${items.map(
        (s) => html`<li key=${s.stationId}>
          <a href=${`#/stations/${s.stationId}`}>${s.communeName}</a>
          <span class="muted"> · ${units.name(s.districtCode)}</span>
          <br /><small>${s.lastSeenAt ? t('overview.lastHeard', { ago: fmtAgo(s.lastSeenAt) }) : t('overview.neverHeard')} · ${t('overview.clusters', { n: s.devices })}</small>
        </li>`,
      )}
    </ul>
    ${total > items.length && html`<p class="muted">${t('overview.moreSilent', { n: total - items.length })}</p>`}`;
}

export function LegacySummary({ legacy }) {
  const statuses = ['not_planned', 'planned', 'in_progress', 'replaced'];
  return html`<dl class="stats">
      ${statuses.map((s) => html`<div key=${s}><dt>${t(`replacement.${s}`)}</dt><dd>${fmtNumber(legacy.byStatus[s])}</dd></div>`)}
      <div><dt>${t('overview.withoutStation')}</dt><dd>${fmtNumber(legacy.withoutStation)}</dd></div>
    </dl>
    ${legacy.byYear.length > 0 &&
    html`<p>${t('overview.byYear')}: ${legacy.byYear.map((y, i) => html`${i > 0 ? ', ' : ''}<strong>${y.year}</strong>: ${fmtNumber(y.count)}`)}</p>`}
    <p><a href="#/legacy">${t('overview.legacyLink')}</a></p>`;
}
