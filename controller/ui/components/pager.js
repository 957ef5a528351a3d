// Previous / next over a paged list, with where we are in words.
import { html } from '../lib/html.js';
import { fmtNumber } from '../lib/format.js';
import { t } from '../lib/i18n.js';

export function Pager({ total, limit, offset, onPage }) {
  if (total <= limit && offset === 0) return html`<p class="count">${t('pager.total', { n: fmtNumber(total) })}</p>`;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  return html`<nav class="pager" aria-label=${t('pager.label')}>
    <button type="button" class="secondary" disabled=${offset === 0} onClick=${() => onPage(Math.max(0, offset - limit))}>${t('pager.previous')}</button>
    <span>${t('pager.range', { from: fmtNumber(from), to: fmtNumber(to), total: fmtNumber(total) })}</span>
    <button type="button" class="secondary" disabled=${to >= total} onClick=${() => onPage(offset + limit)}>${t('pager.next')}</button>
  </nav>`;
}
