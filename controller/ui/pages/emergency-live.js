// One emergency broadcast as it happens: counts (targeted, acknowledged, refused, playing) and
// every targeted cluster in the reader's area, updated from the server-sent event stream
// (GET /emergencies/:id/stream) as acknowledgements and playback starts are committed; Stop.
import { useEffect, useRef, useState } from 'preact/hooks';
import { Async, ErrorNotice, PageHeader } from '../components/page.js';
import { OnlineBadge } from '../components/status.js';
import { api } from '../lib/api.js';
import { fmtDateTime, fmtNumber, fmtTime } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { can, useSession } from '../lib/session.js';
import { EmergencyStatus, reasonText, tOr } from './broadcast-parts.js';

/** Rows written after the fan-out arrive a moment later: reload the list (at most once a second) when a track names a cluster it lacks. */
function useEmergencyStream(id, summary, devices) {
  const reloadTimer = useRef(null);
  const [streaming, setStreaming] = useState(false);
  useEffect(() => {
    const source = new EventSource(`/api/v1/emergencies/${encodeURIComponent(id)}/stream`);
    const reloadSoon = () => {
      reloadTimer.current ??= setTimeout(() => {
        reloadTimer.current = null;
        devices.reload();
      }, 1000);
    };
    source.onopen = () => setStreaming(true);
    source.onerror = () => setStreaming(false);
    source.addEventListener('summary', (e) => {
      const next = JSON.parse(e.data);
      summary.setData(next);
      devices.setData((d) => {
        if (d && d.total < next.counts.targeted) reloadSoon();
        return d;
      });
    });
    source.addEventListener('devices', (e) => {
      const tracks = JSON.parse(e.data);
      devices.setData((d) => {
        if (!d) return d;
        const byId = new Map(tracks.map((x) => [x.deviceId, x]));
        if (tracks.some((x) => !d.items.some((row) => row.deviceId === x.deviceId))) reloadSoon();
        return { ...d, items: d.items.map((row) => (byId.has(row.deviceId) ? { ...row, ...byId.get(row.deviceId) } : row)) };
      });
    });
    return () => {
      source.close();
      clearTimeout(reloadTimer.current);
    };
  }, [id]);
  return streaming;
}

function Counts({ e }) {
  const c = e.counts;
  const share = c.targeted ? c.playing / c.targeted : 0;
  return html`<dl class="stats" data-testid="emergency-counts">
      <div><dt>${t('emergency.targeted')}</dt><dd data-count="targeted">${fmtNumber(c.targeted)}</dd></div>
      <div><dt>${t('emergency.acked')}</dt><dd data-count="acknowledged">${fmtNumber(c.acknowledged)}</dd></div>
      <div><dt>${t('emergency.playing')}</dt><dd data-count="playing">${fmtNumber(c.playing)}</dd></div>
      <div><dt>${t('emergency.refused')}</dt><dd data-count="refused">${fmtNumber(c.refused)}</dd></div>
      <div><dt>${t('emergency.pending')}</dt><dd data-count="pending">${fmtNumber(c.pending)}</dd></div>
    </dl>
    <span class="progress-line" role="img" aria-label=${t('emergency.playingShare', { n: c.playing, total: c.targeted })}><span style=${{ width: `${share * 100}%` }}></span></span>`;
}

function DeviceRows({ items }) {
  const { units } = useSession();
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t('emergency.devices')}>
    <table class="data compact" data-testid="emergency-devices">
      <thead><tr>
        <th scope="col">${t('devices.name')}</th><th scope="col">${t('common.commune')}</th><th scope="col">${t('devices.state')}</th>
        <th scope="col">${t('emergency.ack')}</th><th scope="col">${t('emergency.started')}</th>
      </tr></thead>
      <tbody>
        ${items.map(
          (d) => html`<tr key=${d.deviceId} data-device=${d.deviceId} data-ack=${d.ackStatus} data-started=${d.startedAt ? 'true' : 'false'}>
            <th scope="row"><a href=${`#/devices/${encodeURIComponent(d.deviceId)}`}>${d.deviceName ?? d.deviceId}</a></th>
            <td>${units.name(d.communeCode)}</td>
            <td><${OnlineBadge} online=${d.online} /></td>
            <td>${tOr(`emergency.ack.${d.ackStatus}`, d.ackStatus)}${d.ackAt ? ` · ${fmtTime(d.ackAt)}` : ''}${d.error ? html`<br /><small class="bad-text">${reasonText(d.error)}</small>` : ''}</td>
            <td>${d.startedAt ? fmtTime(d.startedAt) : '—'}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export default function EmergencyLive({ params }) {
  const { me, units } = useSession();
  const path = `/emergencies/${encodeURIComponent(params.id)}`;
  const summary = useApi(path);
  const devices = useApi(`${path}/devices?limit=1000`);
  const streaming = useEmergencyStream(params.id, summary, devices);
  const [error, setError] = useState(null);
  const stop = async () => {
    setError(null);
    try {
      summary.setData(await api(`${path}/stop`, { method: 'POST' }));
    } catch (err) {
      setError(err);
    }
  };
  const e = summary.data;
  return html`<${PageHeader} title=${e ? e.title : t('emergency.title')} subtitle=${e ? `${fmtDateTime(e.createdAt)} · ${e.areaCodes.map((c) => units.name(c)).join(', ')}` : ''}>
      ${e && html`<${EmergencyStatus} status=${e.status} />`}
      ${e?.status === 'active' && can(me, 'emergency.send') && html`<button type="button" class="danger solid" onClick=${stop}>${t('emergency.stop')}</button>`}
    </${PageHeader}>
    <${ErrorNotice} error=${error} />
    <${Async} state=${summary}>${(data) => html`<section class="card" aria-labelledby="em-progress">
      <h2 id="em-progress">${t('emergency.progress')} <small class="muted">${streaming ? t('live.live') : t('live.connecting')}</small></h2>
      <${Counts} e=${data} />
      <${Async} state=${devices}>${(list) => html`<${DeviceRows} items=${list.items} />`}</${Async}>
    </section>`}</${Async}>
    <p><a href="#/emergency">${t('emergency.backToList')}</a></p>`;
}
