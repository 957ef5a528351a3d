// Progress toward 100% smart stations (Decision 1655: every commune station IT-telecom by end of
// 2025): one bar per district, the communes split by station technology with IT-telecom first,
// and a dashed target line at 100% that the green part must reach. The bars are small inline
// SVGs; names and numbers are HTML text, so they stay readable on a phone and to screen readers.
import { html } from '../../lib/html.js';
import { fmtNumber, fmtPercent } from '../../lib/format.js';
import { t } from '../../lib/i18n.js';

export const TECH_ORDER = ['it_telecom', 'mixed', 'fm', 'wired', 'none'];

function Bar({ stations, communes }) {
  let x = 0;
  const parts = [];
  for (const tech of TECH_ORDER) {
    const width = communes ? (stations[tech] / communes) * 100 : 0;
    if (width > 0) parts.push(html`<rect key=${tech} class=${`seg tech-${tech}`} x=${x} y="0" width=${width} height="10"><title>${t(`tech.${tech}`)}: ${stations[tech]}</title></rect>`);
    x += width;
  }
  return html`<svg class="pc-svg" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">${parts}</svg>`;
}

function Row({ name, row, strong }) {
  const smart = row.stations.it_telecom;
  return html`<li class=${`pc-row${strong ? ' pc-total' : ''}`} data-district=${row.districtCode ?? 'total'}>
    <span class="pc-label">${name}</span>
    <span class="pc-bar"><${Bar} stations=${row.stations} communes=${row.communes} /></span>
    <span class="pc-value">${t('progress.value', { smart: fmtNumber(smart), communes: fmtNumber(row.communes), share: fmtPercent(row.smartShare, 0) })}</span>
  </li>`;
}

export function ProgressChart({ districts, totals, target }) {
  return html`<figure class="progress-chart" data-testid="progress-chart">
    <figcaption>
      ${t('progress.caption', { share: fmtPercent(totals.smartShare, 0), target: fmtPercent(target.smartShare, 0), by: target.by.slice(0, 4) })}
    </figcaption>
    <div class="pc-axis" aria-hidden="true">
      <span class="pc-label"></span>
      <span class="pc-ticks"><span>0%</span><span>50%</span><span class="pc-target-label">${t('progress.target', { target: fmtPercent(target.smartShare, 0) })}</span></span>
      <span class="pc-value"></span>
    </div>
    <ul class="pc-rows">
      ${districts.map((d) => html`<${Row} key=${d.districtCode} name=${d.districtName} row=${d} />`)}
      ${districts.length > 1 && html`<${Row} name=${t('common.total')} row=${totals} strong />`}
    </ul>
    <ul class="legend" aria-label=${t('progress.legend')}>
      ${TECH_ORDER.map((tech) => html`<li key=${tech}><span class=${`swatch tech-${tech}`} aria-hidden="true"></span>${t(`tech.${tech}`)}: ${fmtNumber(totals.stations[tech])}</li>`)}
      <li><span class="swatch target" aria-hidden="true"></span>${t('progress.targetLine')}</li>
    </ul>
  </figure>`;
}
