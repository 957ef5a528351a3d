// The period report's table: per district, stations by technology at the start and end of the
// period (with the change), conversions to IT-telecom, the smart share reached and uptime.
import { fmtNumber, fmtPercent } from '../lib/format.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';

const signed = (n) => (n > 0 ? `+${fmtNumber(n)}` : fmtNumber(n));

function StartEnd({ start, end }) {
  return html`${fmtNumber(start)} → <strong>${fmtNumber(end)}</strong>`;
}

function Row({ r, name, total }) {
  const Cell = total ? 'th' : 'td';
  return html`<tr class=${total ? 'total' : ''} data-district=${r.districtCode || 'total'}>
    <th scope="row">${name}</th>
    <${Cell} class="num">${fmtNumber(r.communes)}</${Cell}>
    <${Cell} class="num"><${StartEnd} start=${r.start.it_telecom} end=${r.end.it_telecom} /> <small>(${signed(r.change.it_telecom)})</small></${Cell}>
    <${Cell} class="num">${fmtNumber(r.convertedToSmart)}</${Cell}>
    <${Cell} class="num"><${StartEnd} start=${r.start.fm} end=${r.end.fm} /></${Cell}>
    <${Cell} class="num"><${StartEnd} start=${r.start.wired} end=${r.end.wired} /></${Cell}>
    <${Cell} class="num">${fmtNumber(r.end.mixed)}</${Cell}>
    <${Cell} class="num">${fmtNumber(r.end.none)}</${Cell}>
    <${Cell} class="num">${fmtPercent(r.smartShareEnd)}</${Cell}>
    <${Cell} class="num">${fmtPercent(r.uptime.ratio, 2)}</${Cell}>
  </tr>`;
}

export function ReportTable({ report }) {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t('reports.title')}>
    <table class="data report-table" data-testid="report-table">
      <caption class="sr-only">${t('reports.caption')}</caption>
      <thead><tr>
        <th scope="col">${t('common.district')}</th>
        <th scope="col" class="num">${t('overview.col.communes')}</th>
        <th scope="col" class="num">${t('reports.col.smart')}</th>
        <th scope="col" class="num">${t('reports.col.converted')}</th>
        <th scope="col" class="num">${t('tech.fm')}</th>
        <th scope="col" class="num">${t('tech.wired')}</th>
        <th scope="col" class="num">${t('tech.mixed')}</th>
        <th scope="col" class="num">${t('tech.none')}</th>
        <th scope="col" class="num">${t('reports.col.share')}</th>
        <th scope="col" class="num">${t('reports.col.uptime')}</th>
      </tr></thead>
      <tbody>${report.districts.map((r) => html`<${Row} key=${r.districtCode} r=${r} name=${r.districtName} />`)}</tbody>
      <tfoot><${Row} r=${{ ...report.totals, districtCode: '' }} name=${t('common.total')} total /></tfoot>
    </table>
  </div>`;
}
