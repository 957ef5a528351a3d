// Pieces every screen uses: the page heading (focused after navigation so screen readers
// announce the new screen), error notices carrying the API's own message, loading and empty states.
import { useEffect, useRef } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { usePageTitle } from '../lib/hooks.js';

export function PageHeader({ title, subtitle, children }) {
  const heading = useRef(null);
  usePageTitle(title);
  useEffect(() => {
    // Only move focus after an in-app navigation, not on first load (the skip link comes first).
    if (document.activeElement && document.activeElement !== document.body) heading.current?.focus({ preventScroll: true });
  }, [title]);
  return html`<div class="page-header">
    <div>
      <h1 tabindex="-1" ref=${heading}>${title}</h1>
      ${subtitle && html`<p class="subtitle">${subtitle}</p>`}
    </div>
    ${children && html`<div class="actions">${children}</div>`}
  </div>`;
}

export function ErrorNotice({ error, onRetry }) {
  if (!error) return null;
  return html`<div class="notice error" role="alert">
    <p>${error.message}</p>
    ${onRetry && html`<button type="button" class="secondary" onClick=${onRetry}>${t('common.retry')}</button>`}
  </div>`;
}

export function SuccessNotice({ message }) {
  return html`<div class="notice success" role="status">${message ? html`<p>${message}</p>` : null}</div>`;
}

export function Loading() {
  return html`<p class="loading" role="status">${t('common.loading')}</p>`;
}

export function Empty({ children }) {
  return html`<p class="empty">${children ?? t('common.empty')}</p>`;
}

/** Loading / error / content, for a `useApi` result. */
export function Async({ state, children }) {
  if (state.error && !state.data) return html`<${ErrorNotice} error=${state.error} onRetry=${state.reload} />`;
  if (!state.data) return html`<${Loading} />`;
  return html`${state.error && html`<${ErrorNotice} error=${state.error} onRetry=${state.reload} />`}${children(state.data)}`;
}
