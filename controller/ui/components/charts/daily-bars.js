// Uptime per day as bars (the device page's last 30 days, from the daily rollups). Each bar has
// a <title> for pointer users; the summary under the chart says the same in words.
import { html } from '../../lib/html.js';
import { fmtDay, fmtPercent } from '../../lib/format.js';
import { t } from '../../lib/i18n.js';

/** days: [{ day: 'YYYY-MM-DD', ratio: 0..1 | null }] */
export function DailyBars({ days, label }) {
  if (days.every((d) => d.ratio === null)) return html`<p class="empty">${t('chart.noDays')}</p>`;
  const width = 100 / days.length;
  const measured = days.filter((d) => d.ratio !== null);
  const mean = measured.length ? measured.reduce((a, d) => a + d.ratio, 0) / measured.length : null;
  return html`<figure class="daily-bars">
    <svg viewBox="0 0 100 40" preserveAspectRatio="none" role="img" aria-label=${`${label}: ${t('chart.mean', { value: fmtPercent(mean) })}`}>
      <line x1="0" x2="100" y1="0.5" y2="0.5" class="grid" />
      <line x1="0" x2="100" y1="20" y2="20" class="grid" />
      ${days.map((d, i) => {
        const h = (d.ratio ?? 0) * 40;
        const level = d.ratio === null ? 'none' : d.ratio >= 0.95 ? 'good' : d.ratio >= 0.8 ? 'fair' : 'poor';
        return html`<rect key=${d.day} class=${`bar ${level}`} x=${i * width + width * 0.1} width=${width * 0.8} y=${40 - h} height=${Math.max(h, 0.4)}>
          <title>${fmtDay(d.day)}: ${fmtPercent(d.ratio)}</title>
        </rect>`;
      })}
    </svg>
    <figcaption class="chart-axis"><span>${fmtDay(days[0].day)}</span><span>${t('chart.mean', { value: fmtPercent(mean) })}</span><span>${fmtDay(days[days.length - 1].day)}</span></figcaption>
  </figure>`;
}
