// The approval steps a reader may take on a bulletin: submit, withdraw, approve, reject (with a
// required reason) and archive — only the ones the API would allow this role and area. Used on the
// bulletin's page and in the approval queue.
import { useState } from 'preact/hooks';
import { ErrorNotice } from '../components/page.js';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { useSession } from '../lib/session.js';
import { availableActions } from './bulletin-parts.js';

const STYLE = { submit: 'primary', approve: 'primary', reject: 'danger', withdraw: 'secondary', archive: 'secondary' };

function RejectForm({ bulletin, onDone, onCancel }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState(null);
  const id = `reject-reason-${bulletin.id}`;
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      onDone(await api(`/bulletins/${bulletin.id}/reject`, { method: 'POST', body: { reason: reason.trim() } }));
    } catch (err) {
      setError(err);
    }
  };
  return html`<form class="stack reject-form" onSubmit=${submit}>
    <${ErrorNotice} error=${error} />
    <div class="field">
      <label for=${id}>${t('bulletins.rejectReason')}</label>
      <textarea id=${id} name="reason" rows="3" required maxLength="2000" value=${reason} onInput=${(e) => setReason(e.currentTarget.value)}></textarea>
    </div>
    <p class="actions">
      <button type="submit" class="danger" disabled=${!reason.trim()}>${t('bulletins.action.reject')}</button>
      <button type="button" class="secondary" onClick=${onCancel}>${t('common.cancel')}</button>
    </p>
  </form>`;
}

/** `only` narrows the buttons (the queue shows approve and reject alone). */
export function BulletinActions({ bulletin, onChanged, only }) {
  const { me } = useSession();
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [rejecting, setRejecting] = useState(false);
  const actions = availableActions(me, bulletin).filter((a) => !only || only.includes(a));
  if (actions.length === 0) return null;
  const run = async (action) => {
    if (action === 'reject') return setRejecting(true);
    if (action === 'archive' && !window.confirm(t('bulletins.archiveConfirm', { title: bulletin.title }))) return;
    setError(null);
    setBusy(true);
    try {
      onChanged(await api(`/bulletins/${bulletin.id}/${action}`, { method: 'POST', body: {} }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (rejecting) return html`<${RejectForm} bulletin=${bulletin} onDone=${(b) => { setRejecting(false); onChanged(b); }} onCancel=${() => setRejecting(false)} />`;
  return html`<div class="bulletin-actions">
    <${ErrorNotice} error=${error} />
    <p class="actions">
      ${actions.map(
        (a) => html`<button key=${a} type="button" class=${STYLE[a]} disabled=${busy} data-action=${a} onClick=${() => run(a)}
          aria-label=${only ? t('bulletins.actionNamed', { action: t(`bulletins.action.${a}`), title: bulletin.title }) : undefined}>${t(`bulletins.action.${a}`)}</button>`,
      )}
    </p>
  </div>`;
}
