// Stations (one per commune) in my area: filter by district, commune, technology and whether any
// cluster is online; search by commune name. Filters live in the address, so back restores them.
import { AreaFilter, areaOf } from '../components/area-filter.js';
import { SelectField, TextField } from '../components/form.js';
import { Async, PageHeader } from '../components/page.js';
import { Pager } from '../components/pager.js';
import { TechBadge } from '../components/status.js';
import { qs } from '../lib/api.js';
import { fmtAgo, fmtNumber } from '../lib/format.js';
import { useApi, useLiveReload } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { navigate } from '../lib/router.js';
import { useSession } from '../lib/session.js';

const LIMIT = 50;
const TECHS = ['it_telecom', 'fm', 'wired', 'mixed', 'none'];

function StationRow({ s }) {
  const { units } = useSession();
  return html`<tr data-station=${s.id}>
    <th scope="row"><a href=${`#/stations/${s.id}`}>${s.communeName}</a><br /><small class="muted">${s.communeCode}</small></th>
    <td>${units.name(s.districtCode)}</td>
    <td><${TechBadge} technology=${s.technology} /></td>
    <td class="num">${s.devicesTotal ? html`<span class=${s.devicesOnline > 0 ? 'good-text' : 'bad-text'}>${fmtNumber(s.devicesOnline)}</span> / ${fmtNumber(s.devicesTotal)}` : '—'}</td>
    <td>${s.devicesTotal ? fmtAgo(s.lastSeenAt) : '—'}</td>
  </tr>`;
}

export default function Stations({ query }) {
  const offset = Number(query.offset ?? 0);
  const path = `/stations${qs({ area: areaOf(query), technology: query.technology, online: query.online, q: query.q, limit: LIMIT, offset })}`;
  const state = useApi(path);
  useLiveReload(state.reload, 5000, (e) => !!state.data?.items.some((s) => s.id === e.stationId));
  const update = (patch) => navigate('/stations', { ...query, ...patch, offset: patch.offset ?? 0 }, { replace: true });

  return html`<${PageHeader} title=${t('stations.title')} subtitle=${t('stations.subtitle')} />
    <form class="filters" role="search" onSubmit=${(e) => e.preventDefault()}>
      <${AreaFilter} query=${query} onChange=${update} />
      <${SelectField} name="technology" label=${t('stations.technology')} value=${query.technology ?? ''} onChange=${(v) => update({ technology: v })}
        options=${[{ value: '', label: t('common.all') }, ...TECHS.map((x) => ({ value: x, label: t(`tech.${x}`) }))]} />
      <${SelectField} name="online" label=${t('stations.onlineFilter')} value=${query.online ?? ''} onChange=${(v) => update({ online: v })}
        options=${[{ value: '', label: t('common.all') }, { value: 'true', label: t('stations.someOnline') }, { value: 'false', label: t('stations.noneOnline') }]} />
      <${TextField} name="q" type="search" label=${t('stations.search')} value=${query.q ?? ''} onInput=${(v) => update({ q: v })} placeholder=${t('stations.searchHint')} />
    </form>
    <${Async} state=${state}>${(data) => html`
      <div class="table-wrap" tabindex="0" role="region" aria-label=${t('stations.title')}>
        <table class="data" data-testid="stations-table">
          <thead><tr>
            <th scope="col">${t('common.commune')}</th><th scope="col">${t('common.district')}</th><th scope="col">${t('stations.technology')}</th>
            <th scope="col" class="num">${t('stations.clustersOnline')}</th><th scope="col">${t('stations.lastSeen')}</th>
          </tr></thead>
          <tbody>${data.items.map((s) => html`<${StationRow} key=${s.id} s=${s} />`)}</tbody>
        </table>
      </div>
      <${Pager} total=${data.total} limit=${LIMIT} offset=${offset} onPage=${(o) => update({ offset: o })} />`}
    </${Async}>`;
}
