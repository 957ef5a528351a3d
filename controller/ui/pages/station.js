// One station: its commune, technology and history, its clusters (online state live), the
// province's edit form and, for staff, adding a cluster.
import { useState } from 'preact/hooks';
import { TextField } from '../components/form.js';
import { Locations } from '../components/charts/locations.js';
import { Async, ErrorNotice, PageHeader } from '../components/page.js';
import { SecretOnce } from '../components/secret-once.js';
import { Meter, OnlineBadge, ReplacementBadge, TechBadge } from '../components/status.js';
import { api } from '../lib/api.js';
import { fmtAgo, fmtDateTime } from '../lib/format.js';
import { useApi, useLiveReload } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { useLiveEvent } from '../lib/live.js';
import { can, useSession } from '../lib/session.js';
import { StationEditForm } from './station-edit.js';

function Clusters({ stationId }) {
  const state = useApi(`/devices?stationId=${stationId}&limit=1000`);
  useLiveEvent('presence', (e) => {
    if (e.stationId !== stationId) return;
    state.setData((data) => data && { ...data, items: data.items.map((d) => (d.id === e.deviceId ? { ...d, online: e.online, lastSeenAt: e.at } : d)) });
  });
  useLiveReload(state.reload, 5000, (e) => e.stationId === stationId);
  return html`<${Async} state=${state}>${(data) =>
    data.items.length === 0
      ? html`<p class="empty">${t('station.noClusters')}</p>`
      : html`<${Locations} devices=${data.items} /><ul class="plain-list" data-testid="station-clusters">
          ${data.items.map(
            (d) => html`<li key=${d.id} data-device=${d.id}>
              <a href=${`#/devices/${encodeURIComponent(d.id)}`}>${d.name}</a> <${OnlineBadge} online=${d.online} disabled=${d.disabled} />
              <small class="muted"> · ${t('station.lastSeen', { ago: fmtAgo(d.lastSeenAt) })}</small>
            </li>`,
          )}
        </ul>`}</${Async}>`;
}

function AddCluster({ communeCode, onAdded }) {
  const [name, setName] = useState('');
  const [lat, setLat] = useState('');
  const [lon, setLon] = useState('');
  const [error, setError] = useState(null);
  const [result, setResult] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const where = lat !== '' && lon !== '' ? { lat: Number(lat), lon: Number(lon) } : {};
      setResult(await api('/devices', { method: 'POST', body: { communeCode, ...(name ? { name } : {}), ...where } }));
      setName('');
      setLat('');
      setLon('');
    } catch (err) {
      setError(err);
    }
  };
  if (result) return html`<${SecretOnce} result=${result} onDone=${() => { setResult(null); onAdded(); }} />`;
  return html`<form class="inline-form" onSubmit=${submit}>
    <${ErrorNotice} error=${error} />
    <${TextField} name="cluster-name" label=${t('station.newClusterName')} value=${name} onInput=${setName} maxLength="100" />
    <${TextField} name="cluster-lat" type="number" step="any" min="-90" max="90" label=${t('station.lat')} value=${lat} onInput=${setLat} />
    <${TextField} name="cluster-lon" type="number" step="any" min="-180" max="180" label=${t('station.lon')} value=${lon} onInput=${setLon} />
    <button type="submit" class="primary">${t('station.addCluster')}</button>
  </form>`;
}

function Detail({ station, reload }) {
  const { me } = useSession();
  const [clustersKey, setClustersKey] = useState(0);
  return html`<div class="columns">
    <section class="card" aria-labelledby="station-facts">
      <h2 id="station-facts">${t('station.facts')}</h2>
      <dl class="facts">
        <div><dt>${t('stations.technology')}</dt><dd><${TechBadge} technology=${station.technology} /></dd></div>
        <div><dt>${t('station.commissionedOn')}</dt><dd>${station.commissionedOn ?? '—'}</dd></div>
        <div><dt>${t('legacy.plannedYear')}</dt><dd>${station.plannedReplacementYear ?? '—'}</dd></div>
        <div><dt>${t('legacy.status')}</dt><dd><${ReplacementBadge} status=${station.replacementStatus} /></dd></div>
        <div><dt>${t('station.notes')}</dt><dd>${station.notes ?? '—'}</dd></div>
      </dl>
      ${station.uptime && html`<h3>${t('device.uptimeTitle')}</h3>
        <dl class="facts" data-testid="station-uptime">
          ${['last24h', 'last7d', 'last30d'].map((w) => html`<div key=${w}><dt>${t(`device.${w}`)}</dt><dd><${Meter} ratio=${station.uptime[w]} label=${t(`device.${w}`)} /></dd></div>`)}
        </dl>`}
      <h3>${t('station.history')}</h3>
      <ol class="plain-list">
        ${station.technologyHistory.map(
          (h) => html`<li key=${h.changedAt}>${fmtDateTime(h.changedAt)}: ${h.fromTechnology ? `${t(`tech.${h.fromTechnology}`)} → ` : ''}${t(`tech.${h.toTechnology}`)}${h.note ? html` <small class="muted">(${h.note})</small>` : ''}</li>`,
        )}
      </ol>
      ${can(me, 'stations.edit') && html`<h3>${t('station.edit')}</h3><${StationEditForm} station=${station} onSaved=${reload} />`}
    </section>
    <section class="card" aria-labelledby="station-clusters">
      <h2 id="station-clusters">${t('station.clusters')}</h2>
      <${Clusters} key=${clustersKey} stationId=${station.id} />
      ${can(me, 'devices.provision') && html`<h3>${t('station.addCluster')}</h3><${AddCluster} communeCode=${station.communeCode} onAdded=${() => setClustersKey(clustersKey + 1)} />`}
    </section>
  </div>`;
}

export default function Station({ params }) {
  const { units } = useSession();
  const state = useApi(`/stations/${encodeURIComponent(params.id)}`);
  const s = state.data;
  const title = s ? s.communeName : t('station.title');
  return html`<${PageHeader} title=${title} subtitle=${s ? `${s.name} · ${units.name(s.districtCode)}` : ''} />
    <${Async} state=${state}>${(station) => html`<${Detail} station=${station} reload=${state.reload} />`}</${Async}>`;
}
