// Overview: what the province (or a district) opens every morning — progress toward 100% smart
// stations per district, stations and clusters online now, 30-day uptime, silent stations and the
// legacy replacement plan, today's broadcasts. Online counts move as clusters come and go (server-sent events).
import { ProgressChart } from '../components/charts/progress-chart.js';
import { Async, PageHeader } from '../components/page.js';
import { fmtDay, fmtNumber, fmtPercent, fmtTime } from '../lib/format.js';
import { useApi, useLiveReload } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { useLiveEvent } from '../lib/live.js';
import { useSession } from '../lib/session.js';
import { TodayBroadcasts } from './overview-broadcasts.js';
import { DistrictTable, LegacySummary, SilentList } from './overview-sections.js';

function Kpi({ label, value, detail, tone, testId }) {
  return html`<div class=${`kpi ${tone ?? ''}`} data-testid=${testId}>
    <p class="kpi-label">${label}</p>
    <p class="kpi-value">${value}</p>
    ${detail && html`<p class="kpi-detail">${detail}</p>`}
  </div>`;
}

/** Applies one presence change to the counts at once; the throttled reload then brings the rest. */
function applyPresence(data, event) {
  const delta = event.online ? 1 : -1;
  const bump = (row) => ({ ...row, devicesOnline: Math.max(0, Math.min(row.devicesTotal, row.devicesOnline + delta)) });
  return {
    ...data,
    districts: data.districts.map((d) => (d.districtCode === event.districtCode ? bump(d) : d)),
    totals: bump(data.totals),
  };
}

function Body({ data, areaCode }) {
  const { totals } = data;
  return html`
    <section class="kpis" aria-label=${t('overview.kpis')}>
      <${Kpi} testId="kpi-smart" label=${t('overview.smart')} value=${fmtPercent(totals.smartShare, 0)}
        detail=${t('overview.smartDetail', { smart: fmtNumber(totals.stations.it_telecom), communes: fmtNumber(totals.communes), by: data.target.by.slice(0, 4) })} />
      <${Kpi} testId="kpi-stations-online" label=${t('overview.stationsOnline')} value=${`${fmtNumber(totals.stationsOnline)} / ${fmtNumber(totals.stationsWithDevices)}`}
        detail=${t('overview.devicesOnline', { online: fmtNumber(totals.devicesOnline), total: fmtNumber(totals.devicesTotal) })} tone=${totals.stationsOnline < totals.stationsWithDevices ? 'warn' : 'good'} />
      <${Kpi} testId="kpi-uptime" label=${t('overview.uptime30')} value=${fmtPercent(totals.uptime30d.ratio)}
        detail=${t('overview.uptimeWindow', { from: fmtDay(data.uptimeWindow.from), to: fmtDay(data.uptimeWindow.to) })} />
      <${Kpi} testId="kpi-silent" label=${t('overview.silent', { min: data.silentThresholdMin })} value=${fmtNumber(totals.silentStations)}
        tone=${totals.silentStations > 0 ? 'bad' : 'good'} detail=${t('overview.silentDetail')} />
      <${Kpi} testId="kpi-legacy" label=${t('overview.legacy')} value=${fmtNumber(data.legacy.remaining)}
        detail=${t('overview.legacyDetail', { planned: fmtNumber(data.legacy.remaining - data.legacy.unplanned), none: fmtNumber(data.legacy.withoutStation) })} />
    </section>
    <section class="card" aria-labelledby="broadcasts-title">
      <h2 id="broadcasts-title">${t('overviewBroadcasts.title')}</h2>
      <${TodayBroadcasts} areaCode=${areaCode} />
    </section>
    <section class="card" aria-labelledby="progress-title">
      <h2 id="progress-title">${t('overview.progressTitle')}</h2>
      <${ProgressChart} districts=${data.districts} totals=${totals} target=${data.target} />
    </section>
    <section class="card" aria-labelledby="districts-title">
      <h2 id="districts-title">${t('overview.districtsTitle')}</h2>
      <${DistrictTable} data=${data} />
    </section>
    <div class="columns">
      <section class="card" aria-labelledby="silent-title">
        <h2 id="silent-title">${t('overview.silentTitle', { min: data.silentThresholdMin })}</h2>
        <${SilentList} items=${data.silent} total=${totals.silentStations} />
      </section>
      <section class="card" aria-labelledby="legacy-title">
        <h2 id="legacy-title">${t('overview.legacyTitle')}</h2>
        <${LegacySummary} legacy=${data.legacy} />
      </section>
    </div>`;
}

export default function Overview() {
  const { me } = useSession();
  const state = useApi('/reports/overview');
  useLiveEvent('presence', (event) => state.setData((data) => (data ? applyPresence(data, event) : data)));
  useLiveReload(state.reload, 3000);
  const subtitle = state.data ? t('overview.updated', { scope: me.scopeName, time: fmtTime(state.data.generatedAt) }) : me.scopeName;
  return html`<${PageHeader} title=${t('overview.title')} subtitle=${subtitle} />
    <${Async} state=${state}>${(data) => html`<${Body} data=${data} areaCode=${me.scopeCode} />`}</${Async}>`;
}
