// Loudspeaker clusters in my area, with online state that changes live, filters and search.
import { AreaFilter, areaOf } from '../components/area-filter.js';
import { SelectField, TextField } from '../components/form.js';
import { Async, PageHeader } from '../components/page.js';
import { Pager } from '../components/pager.js';
import { OnlineBadge } from '../components/status.js';
import { qs } from '../lib/api.js';
import { fmtAgo, fmtNumber } from '../lib/format.js';
import { useApi, useLiveReload } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { useLiveEvent } from '../lib/live.js';
import { navigate } from '../lib/router.js';

const LIMIT = 50;

export default function Devices({ query }) {
  const offset = Number(query.offset ?? 0);
  const state = useApi(`/devices${qs({ area: areaOf(query), online: query.online, clockAlarm: query.clockAlarm, q: query.q, limit: LIMIT, offset })}`);
  // The row flips at once; a reload then re-applies the filters (an "online only" list drops it).
  useLiveEvent('presence', (e) =>
    state.setData((data) => data && { ...data, items: data.items.map((d) => (d.id === e.deviceId ? { ...d, online: e.online, lastSeenAt: e.at } : d)) }),
  );
  useLiveReload(state.reload, 5000);
  const update = (patch) => navigate('/devices', { ...query, ...patch, offset: patch.offset ?? 0 }, { replace: true });

  return html`<${PageHeader} title=${t('devices.title')} subtitle=${t('devices.subtitle')} />
    <form class="filters" role="search" onSubmit=${(e) => e.preventDefault()}>
      <${AreaFilter} query=${query} onChange=${update} />
      <${SelectField} name="online" label=${t('devices.state')} value=${query.online ?? ''} onChange=${(v) => update({ online: v })}
        options=${[{ value: '', label: t('common.all') }, { value: 'true', label: t('device.online') }, { value: 'false', label: t('device.offline') }]} />
      <${SelectField} name="clockAlarm" label=${t('devices.clock')} value=${query.clockAlarm ?? ''} onChange=${(v) => update({ clockAlarm: v })}
        options=${[{ value: '', label: t('common.all') }, { value: 'true', label: t('device.clockAlarm') }]} />
      <${TextField} name="q" type="search" label=${t('devices.search')} value=${query.q ?? ''} onInput=${(v) => update({ q: v })} />
    </form>
    <${Async} state=${state}>${(data) => html`
      <div class="table-wrap" tabindex="0" role="region" aria-label=${t('devices.title')}>
        <table class="data" data-testid="devices-table">
          <thead><tr>
            <th scope="col">${t('devices.name')}</th><th scope="col">${t('common.commune')}</th><th scope="col">${t('devices.state')}</th>
            <th scope="col">${t('devices.lastSeen')}</th><th scope="col">${t('devices.agent')}</th><th scope="col" class="num">${t('devices.clock')}</th>
          </tr></thead>
          <tbody>
            ${data.items.map(
              (d) => html`<tr key=${d.id} data-device=${d.id}>
                <th scope="row"><a href=${`#/devices/${encodeURIComponent(d.id)}`}>${d.name}</a><br /><small class="muted">${d.id}</small></th>
                <td><a href=${`#/stations/${d.stationId}`}>${d.communeName}</a></td>
                <td><${OnlineBadge} online=${d.online} disabled=${d.disabled} /></td>
                <td>${fmtAgo(d.lastSeenAt)}</td>
                <td>${d.agentVersion ?? '—'}</td>
                <td class="num">${d.clockOffsetMs === null ? '—' : `${fmtNumber(d.clockOffsetMs)} ms`}${d.clockAlarm && html` <span class="badge bad">${t('device.clockAlarm')}</span>`}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <${Pager} total=${data.total} limit=${LIMIT} offset=${offset} onPage=${(o) => update({ offset: o })} />`}
    </${Async}>`;
}
