// Legacy replacement: every commune station that is not yet IT-telecom (FM, wired, mixed, or no
// station at all) with its planned replacement year and status. The province edits the plan in
// place; the counts feed the overview and the reports.
import { AreaFilter, areaOf } from '../components/area-filter.js';
import { SelectField } from '../components/form.js';
import { Async, PageHeader } from '../components/page.js';
import { qs } from '../lib/api.js';
import { fmtNumber } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { navigate } from '../lib/router.js';
import { can, useSession } from '../lib/session.js';
import { LegacyRow } from './legacy-row.js';
import { REPLACEMENT_STATUSES } from './station-edit.js';

const TECHS = ['fm', 'wired', 'mixed', 'none'];

function Summary({ summary }) {
  return html`<dl class="stats" data-testid="legacy-summary">
    <div><dt>${t('legacy.remaining')}</dt><dd>${fmtNumber(summary.remaining)}</dd></div>
    ${REPLACEMENT_STATUSES.map((s) => html`<div key=${s}><dt>${t(`replacement.${s}`)}</dt><dd>${fmtNumber(summary.byStatus[s])}</dd></div>`)}
    <div><dt>${t('legacy.unplanned')}</dt><dd>${fmtNumber(summary.unplanned)}</dd></div>
    <div><dt>${t('overview.withoutStation')}</dt><dd>${fmtNumber(summary.withoutStation)}</dd></div>
    ${summary.byYear.map((y) => html`<div key=${y.year}><dt>${t('legacy.inYear', { year: y.year })}</dt><dd>${fmtNumber(y.count)}</dd></div>`)}
  </dl>`;
}

export default function Legacy({ query }) {
  const { me } = useSession();
  const state = useApi(`/reports/legacy${qs({ area: areaOf(query) })}`);
  const editable = can(me, 'stations.edit');
  const update = (patch) => navigate('/legacy', { ...query, ...patch }, { replace: true });
  const visible = (s) => (!query.technology || s.technology === query.technology) && (!query.status || s.replacementStatus === query.status);

  return html`<${PageHeader} title=${t('legacy.title')} subtitle=${t('legacy.subtitle')} />
    <form class="filters" role="search" onSubmit=${(e) => e.preventDefault()}>
      <${AreaFilter} query=${query} onChange=${update} />
      <${SelectField} name="technology" label=${t('stations.technology')} value=${query.technology ?? ''} onChange=${(v) => update({ technology: v })}
        options=${[{ value: '', label: t('common.all') }, ...TECHS.map((x) => ({ value: x, label: t(`tech.${x}`) }))]} />
      <${SelectField} name="status" label=${t('legacy.status')} value=${query.status ?? ''} onChange=${(v) => update({ status: v })}
        options=${[{ value: '', label: t('common.all') }, ...REPLACEMENT_STATUSES.map((x) => ({ value: x, label: t(`replacement.${x}`) }))]} />
    </form>
    <${Async} state=${state}>${(data) => html`
      <section class="card"><${Summary} summary=${data.summary} /></section>
      ${!editable && html`<p class="hint">${t('legacy.readOnly')}</p>`}
      <div class="table-wrap" tabindex="0" role="region" aria-label=${t('legacy.title')}>
        <table class="data" data-testid="legacy-table">
          <thead><tr>
            <th scope="col">${t('common.commune')}</th><th scope="col">${t('common.district')}</th><th scope="col">${t('stations.technology')}</th>
            <th scope="col">${t('legacy.plannedYear')}</th><th scope="col">${t('legacy.status')}</th>${editable && html`<th scope="col"><span class="sr-only">${t('common.actions')}</span></th>`}
          </tr></thead>
          <tbody>${data.stations.filter(visible).map((s) => html`<${LegacyRow} key=${s.id} station=${s} editable=${editable} onSaved=${state.reload} />`)}</tbody>
        </table>
      </div>`}
    </${Async}>`;
}
