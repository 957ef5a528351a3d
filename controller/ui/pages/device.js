// One cluster: online now (live), uptime over 24 h / 7 days / 30 days, its online history, daily
// uptime, recent heartbeats, and for staff the rename / disable / new-secret actions.
import { DailyBars } from '../components/charts/daily-bars.js';
import { Timeline } from '../components/charts/timeline.js';
import { Async, PageHeader } from '../components/page.js';
import { Meter, OnlineBadge } from '../components/status.js';
import { fmtAgo, fmtBytes, fmtDateTime, fmtDuration, fmtNumber } from '../lib/format.js';
import { useApi, useLiveReload } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { useLiveEvent } from '../lib/live.js';
import { can, useSession } from '../lib/session.js';
import { dailyRatios } from '../lib/days.js';
import { DeviceAdmin } from './device-admin.js';
import { DeviceAirings } from './device-airings.js';
import { DeviceControls } from './device-controls.js';
import { Heartbeats } from './device-heartbeats.js';

function Facts({ d }) {
  const hb = d.lastHeartbeat;
  return html`<dl class="facts">
    <div><dt>${t('devices.state')}</dt><dd data-testid="device-state"><${OnlineBadge} online=${d.online} disabled=${d.disabled} /></dd></div>
    <div><dt>${t('devices.lastSeen')}</dt><dd>${fmtDateTime(d.lastSeenAt)} <small class="muted">(${fmtAgo(d.lastSeenAt)})</small></dd></div>
    <div><dt>${t('common.commune')}</dt><dd><a href=${`#/stations/${d.stationId}`}>${d.communeName}</a></dd></div>
    <div><dt>${t('devices.agent')}</dt><dd>${d.agentVersion ?? '—'}</dd></div>
    <div><dt>${t('devices.clock')}</dt><dd>${d.clockOffsetMs === null ? '—' : `${fmtNumber(d.clockOffsetMs)} ms`} ${d.clockAlarm && html`<span class="badge bad">${t('device.clockAlarm')}</span>`}</dd></div>
    <div><dt>${t('device.manifest')}</dt><dd>${d.manifestVersionHeld ?? '—'}</dd></div>
    ${hb && html`<div><dt>${t('device.volume')}</dt><dd>${hb.volume}</dd></div>
      <div><dt>${t('device.power')}</dt><dd>${t(`device.power.${hb.power}`)}</dd></div>
      <div><dt>${t('device.playing')}</dt><dd>${hb.playing?.class ? t(`priority.${hb.playing.class}`) : t('device.idle')}</dd></div>
      <div><dt>${t('device.uptime')}</dt><dd>${fmtDuration(hb.uptimeS)}</dd></div>
      <div><dt>${t('device.cache')}</dt><dd>${fmtBytes(hb.cacheBytes)}</dd></div>`}
    <div><dt>${t('device.location')}</dt><dd>${d.lat !== null && d.lon !== null ? `${d.lat.toFixed(5)}, ${d.lon.toFixed(5)}` : '—'}</dd></div>
  </dl>`;
}

function Body({ d, reload }) {
  const { me } = useSession();
  const now = Date.now();
  return html`<div class="columns">
      <section class="card" aria-labelledby="device-facts"><h2 id="device-facts">${t('device.facts')}</h2><${Facts} d=${d} /></section>
      <section class="card" aria-labelledby="device-uptime">
        <h2 id="device-uptime">${t('device.uptimeTitle')}</h2>
        <dl class="facts">
          ${[
            ['last24h', 1],
            ['last7d', 7],
            ['last30d', 30],
          ].map(([w, days]) => {
            const u = d.uptime[w];
            const young = u.windowMs < days * 86_400_000;
            return html`<div key=${w}><dt>${t(`device.${w}`)}${young && html`<br /><small>${t('device.sinceCreated', { duration: fmtDuration(Math.round(u.windowMs / 1000)) })}</small>`}</dt>
              <dd><${Meter} ratio=${u.windowMs ? u.ratio : null} label=${t(`device.${w}`)} /></dd></div>`;
          })}
        </dl>
      </section>
    </div>
    <section class="card" aria-labelledby="device-history">
      <h2 id="device-history">${t('device.history')}</h2>
      <${Timeline} periods=${d.onlinePeriods} from=${now - 7 * 86_400_000} to=${now} label=${t('device.history')} />
      <h3>${t('device.daily')}</h3>
      <${DailyBars} days=${dailyRatios(d.daily, d.createdAt, now)} label=${t('device.daily')} />
    </section>
    <section class="card" aria-labelledby="device-heartbeats">
      <h2 id="device-heartbeats">${t('device.heartbeats')}</h2>
      <${Heartbeats} items=${d.heartbeats} />
    </section>
    ${can(me, 'devices.control') && html`<section class="card" aria-labelledby="device-controls"><h2 id="device-controls">${t('controls.title')}</h2><${DeviceControls} device=${d} /></section>`}
    <section class="card" aria-labelledby="device-airings"><h2 id="device-airings">${t('controls.airings')}</h2><${DeviceAirings} device=${d} /></section>
    ${can(me, 'devices.provision') && html`<section class="card" aria-labelledby="device-admin"><h2 id="device-admin">${t('device.admin')}</h2><${DeviceAdmin} device=${d} onChanged=${reload} /></section>`}`;
}

export default function Device({ params }) {
  const state = useApi(`/devices/${encodeURIComponent(params.id)}`);
  useLiveEvent('presence', (e) => {
    if (e.deviceId === params.id) state.setData((d) => d && { ...d, online: e.online, lastSeenAt: e.at });
  });
  useLiveReload(state.reload, 3000, (e) => e.deviceId === params.id);
  const d = state.data;
  return html`<${PageHeader} title=${d ? d.name : t('device.title')} subtitle=${d ? `${d.communeName} · ${d.id}` : params.id} />
    <${Async} state=${state}>${(device) => html`<${Body} d=${device} reload=${state.reload} />`}</${Async}>`;
}
