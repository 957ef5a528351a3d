// Online history as a strip: green where the cluster was online, red where it was not, over a
// window (the device page shows 7 days), with a tick and a date for each day.
import { html } from '../../lib/html.js';
import { fmtDateTime, fmtDay } from '../../lib/format.js';
import { t } from '../../lib/i18n.js';

export function Timeline({ periods, from, to, label }) {
  const span = to - from;
  const x = (ms) => ((Math.max(from, Math.min(to, ms)) - from) / span) * 1000;
  const days = [];
  for (let d = from; d < to; d += 86_400_000) days.push(d);
  return html`<figure class="timeline">
    <svg viewBox="0 0 1000 24" preserveAspectRatio="none" role="img" aria-label=${`${label}: ${t('chart.periods', { n: periods.length })}`}>
      <rect class="off" x="0" y="0" width="1000" height="24" />
      ${periods.map(
        (p) => html`<rect key=${p.from} class="on" x=${x(p.from)} y="0" width=${Math.max(x(p.to) - x(p.from), 1)} height="24">
          <title>${t('chart.onlineFromTo', { from: fmtDateTime(p.from), to: fmtDateTime(p.to) })}</title>
        </rect>`,
      )}
      ${days.slice(1).map((d) => html`<line key=${d} class="tick" x1=${x(d)} x2=${x(d)} y1="0" y2="24" />`)}
    </svg>
    <figcaption class="chart-axis"><span>${fmtDay(from)}</span><span class="legend-inline"><span class="swatch on"></span>${t('device.online')} <span class="swatch off"></span>${t('device.offline')}</span><span>${fmtDay(to)}</span></figcaption>
  </figure>`;
}
