// Small status marks: online/offline, station technology, replacement status, and a meter for a
// ratio. Colour is never the only signal: every mark carries its word.
import { html } from '../lib/html.js';
import { fmtPercent } from '../lib/format.js';
import { t } from '../lib/i18n.js';

export function OnlineBadge({ online, disabled }) {
  if (disabled) return html`<span class="badge muted">${t('device.disabled')}</span>`;
  return html`<span class=${`badge ${online ? 'ok' : 'bad'}`} data-online=${online ? 'true' : 'false'}>
    <span class="dot" aria-hidden="true"></span>${online ? t('device.online') : t('device.offline')}
  </span>`;
}

export function TechBadge({ technology }) {
  return html`<span class=${`badge tech tech-${technology}`}>${t(`tech.${technology}`)}</span>`;
}

export function ReplacementBadge({ status }) {
  return html`<span class=${`badge repl-${status}`}>${t(`replacement.${status}`)}</span>`;
}

/** A horizontal meter with its value written next to it. */
export function Meter({ ratio, label }) {
  const pct = ratio === null || ratio === undefined ? null : Math.max(0, Math.min(1, ratio)) * 100;
  const level = pct === null ? 'none' : pct >= 95 ? 'good' : pct >= 80 ? 'fair' : 'poor';
  return html`<span class="meter-wrap">
    <span class="meter" role="img" aria-label=${`${label ?? ''} ${fmtPercent(ratio)}`.trim()}>
      <span class=${`meter-fill ${level}`} style=${{ width: `${pct ?? 0}%` }}></span>
    </span>
    <span class="meter-value" aria-hidden="true">${fmtPercent(ratio)}</span>
  </span>`;
}
