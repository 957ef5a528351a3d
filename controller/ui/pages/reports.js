// The report of Decision 1655: every 6 months, every year and for the whole 2021–2025 scheme.
// Per district: stations by technology at the start and end of the period and the change,
// conversions to IT-telecom, and uptime. Printable (print stylesheet) and exportable as CSV.
import { AreaFilter, areaOf } from '../components/area-filter.js';
import { SelectField, TextField } from '../components/form.js';
import { Async, PageHeader } from '../components/page.js';
import { qs } from '../lib/api.js';
import { fmtDay, fmtDateTime, todayLocal } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { navigate } from '../lib/router.js';
import { useSession } from '../lib/session.js';
import { ReportTable } from './report-table.js';

/** The presets a province reports on: halves and years back to the scheme's start, and the whole scheme. */
function presets(today) {
  const year = Number(today.slice(0, 4));
  const list = [];
  for (let y = year; y >= 2021; y--) {
    if (`${y}-07-01` <= today) list.push({ value: `${y}-H2`, from: `${y}-07-01`, to: `${y}-12-31`, label: t('reports.h2', { year: y }) });
    list.push({ value: `${y}-H1`, from: `${y}-01-01`, to: `${y}-06-30`, label: t('reports.h1', { year: y }) });
    list.push({ value: `${y}`, from: `${y}-01-01`, to: `${y}-12-31`, label: t('reports.year', { year: y }) });
  }
  list.push({ value: 'scheme', from: '2021-01-01', to: '2025-12-31', label: t('reports.scheme') });
  return list;
}

export default function Reports({ query }) {
  const { me, units } = useSession();
  const today = todayLocal();
  const options = presets(today);
  const chosen = options.find((p) => p.value === query.preset) ?? (query.from && query.to ? null : options.find((p) => p.from <= today && p.to >= today && p.value.includes('H')));
  const from = chosen?.from ?? query.from;
  const to = chosen?.to ?? query.to;
  const area = areaOf(query);
  const search = qs({ from, to, area });
  const state = useApi(`/reports/period${search}`);
  const update = (patch) => navigate('/reports', { ...query, ...patch }, { replace: true });
  const areaName = units.name(area || me.scopeCode);

  return html`<${PageHeader} title=${t('reports.title')} subtitle=${t('reports.subtitle')}>
      <button type="button" class="secondary" onClick=${() => window.print()}>${t('reports.print')}</button>
      <a class="button primary" href=${`/api/v1/reports/period.csv${search}`} download data-testid="csv-link">${t('reports.csv')}</a>
    </${PageHeader}>
    <form class="filters no-print" onSubmit=${(e) => e.preventDefault()}>
      <${SelectField} name="preset" label=${t('reports.period')} value=${chosen?.value ?? ''} onChange=${(v) => update({ preset: v, from: '', to: '' })}
        options=${[...options.map((p) => ({ value: p.value, label: p.label })), { value: '', label: t('reports.custom') }]} />
      ${!chosen && html`<${TextField} name="from" type="date" label=${t('common.from')} value=${from ?? ''} onInput=${(v) => update({ from: v, preset: '' })} />
        <${TextField} name="to" type="date" label=${t('common.to')} value=${to ?? ''} onInput=${(v) => update({ to: v, preset: '' })} />`}
      <${AreaFilter} query=${query} onChange=${update} withCommune=${false} />
    </form>
    <${Async} state=${state}>${(report) => html`<article class="report" data-testid="report">
      <header class="report-head">
        <h2>${t('reports.heading', { area: areaName })}</h2>
        <p>${t('reports.periodLine', { from: fmtDay(report.from), to: fmtDay(report.to) })} · ${t('reports.generated', { at: fmtDateTime(report.generatedAt) })}</p>
        <p class="hint">${t('reports.uptimeNote', { until: fmtDay(report.uptimeUntil) })}</p>
      </header>
      <${ReportTable} report=${report} />
      <p class="hint">${t('reports.source')}</p>
    </article>`}</${Async}>`;
}
