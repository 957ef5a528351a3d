// The audit log (append-only): who did what, where, with which outcome — including every
// refused control action. Filter by action prefix, outcome, area and dates; newest first.
import { useEffect, useState } from 'preact/hooks';
import { AreaFilter, areaOf } from '../components/area-filter.js';
import { SelectField, TextField } from '../components/form.js';
import { ErrorNotice, Loading, PageHeader } from '../components/page.js';
import { api, qs } from '../lib/api.js';
import { dayStartMs } from '../lib/days.js';
import { fmtDateTime } from '../lib/format.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { navigate } from '../lib/router.js';
import { useSession } from '../lib/session.js';

const LIMIT = 50;

function params(query, beforeId) {
  const to = query.to ? dayStartMs(query.to) + 86_400_000 : undefined;
  return qs({ area: areaOf(query), action: query.action, outcome: query.outcome, from: query.from ? dayStartMs(query.from) : undefined, to, beforeId, limit: LIMIT });
}

function Entry({ e }) {
  const { units } = useSession();
  return html`<tr key=${e.id} data-action=${e.action}>
    <td>${fmtDateTime(e.at)}</td>
    <td>${e.actorName ?? t(`audit.actor.${e.actorType}`)}<br /><small class="muted">${e.ip ?? ''}</small></td>
    <td><code>${e.action}</code></td>
    <td>${e.targetType ? `${e.targetType} ${e.targetId ?? ''}` : '—'}</td>
    <td>${e.areaCode ? units.name(e.areaCode) : '—'}</td>
    <td><span class=${`badge outcome-${e.outcome}`}>${t(`audit.outcome.${e.outcome}`)}</span></td>
    <td>${e.detail ? html`<details><summary>${t('audit.detail')}</summary><pre>${JSON.stringify(e.detail, null, 1)}</pre></details>` : ''}</td>
  </tr>`;
}

export default function Audit({ query }) {
  const [items, setItems] = useState([]);
  const [next, setNext] = useState(null);
  const [error, setError] = useState(null);
  const [loading, setLoading] = useState(true);
  const key = params(query);
  const load = async (beforeId) => {
    setLoading(true);
    setError(null);
    try {
      const page = await api(`/audit${params(query, beforeId)}`);
      setItems((prev) => (beforeId ? [...prev, ...page.items] : page.items));
      setNext(page.nextBeforeId);
    } catch (err) {
      setError(err);
    }
    setLoading(false);
  };
  useEffect(() => {
    load();
  }, [key]);
  const update = (patch) => navigate('/audit', { ...query, ...patch }, { replace: true });

  return html`<${PageHeader} title=${t('audit.title')} subtitle=${t('audit.subtitle')} />
    <form class="filters" role="search" onSubmit=${(e) => e.preventDefault()}>
      <${AreaFilter} query=${query} onChange=${update} />
      <${TextField} name="action" label=${t('audit.action')} value=${query.action ?? ''} onInput=${(v) => update({ action: v })} hint=${t('audit.actionHint')} />
      <${SelectField} name="outcome" label=${t('audit.outcome')} value=${query.outcome ?? ''} onChange=${(v) => update({ outcome: v })}
        options=${[{ value: '', label: t('common.all') }, ...['ok', 'denied', 'failed'].map((o) => ({ value: o, label: t(`audit.outcome.${o}`) }))]} />
      <${TextField} name="from" type="date" label=${t('common.from')} value=${query.from ?? ''} onInput=${(v) => update({ from: v })} />
      <${TextField} name="to" type="date" label=${t('common.to')} value=${query.to ?? ''} onInput=${(v) => update({ to: v })} />
    </form>
    <${ErrorNotice} error=${error} onRetry=${() => load()} />
    <div class="table-wrap" tabindex="0" role="region" aria-label=${t('audit.title')}>
      <table class="data compact" data-testid="audit-table">
        <thead><tr>
          <th scope="col">${t('audit.at')}</th><th scope="col">${t('audit.actor')}</th><th scope="col">${t('audit.action')}</th><th scope="col">${t('audit.target')}</th>
          <th scope="col">${t('audit.area')}</th><th scope="col">${t('audit.outcome')}</th><th scope="col">${t('audit.detail')}</th>
        </tr></thead>
        <tbody>${items.map((e) => html`<${Entry} key=${e.id} e=${e} />`)}</tbody>
      </table>
    </div>
    ${loading ? html`<${Loading} />` : items.length === 0 ? html`<p class="empty">${t('common.empty')}</p>` : null}
    ${next && !loading && html`<p><button type="button" class="secondary" onClick=${() => load(next)}>${t('audit.more')}</button></p>`}`;
}
