// My account: who I am, where, with which role; change my password (other sessions end);
// language; sign out.
import { useState } from 'preact/hooks';
import { TextField } from '../components/form.js';
import { LangSwitch } from '../components/lang-switch.js';
import { ErrorNotice, PageHeader, SuccessNotice } from '../components/page.js';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { useSession } from '../lib/session.js';

export default function Account() {
  const { me } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState(null);
  const [done, setDone] = useState('');
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    setDone('');
    if (next !== confirm) {
      setError({ message: t('account.mismatch') });
      return;
    }
    try {
      await api('/auth/password', { method: 'POST', body: { currentPassword: current, newPassword: next } });
      setCurrent('');
      setNext('');
      setConfirm('');
      setDone(t('account.changed'));
    } catch (err) {
      setError(err);
    }
  };
  return html`<${PageHeader} title=${t('account.title')} />
    <div class="columns">
      <section class="card" aria-labelledby="me-title">
        <h2 id="me-title">${me.displayName}</h2>
        <dl class="facts">
          <div><dt>${t('users.username')}</dt><dd>${me.username}</dd></div>
          <div><dt>${t('users.role')}</dt><dd>${t(`role.${me.role}`)}</dd></div>
          <div><dt>${t('users.scope')}</dt><dd>${me.scopeName} (${me.scopeCode})</dd></div>
        </dl>
        <h3>${t('lang.label')}</h3>
        <${LangSwitch} />
      </section>
      <section class="card" aria-labelledby="password-title">
        <h2 id="password-title">${t('account.password')}</h2>
        <form class="stack" onSubmit=${submit}>
          <${ErrorNotice} error=${error} />
          <${SuccessNotice} message=${done} />
          <${TextField} name="current-password" type="password" label=${t('account.current')} value=${current} onInput=${setCurrent} autocomplete="current-password" required />
          <${TextField} name="new-password" type="password" label=${t('account.new')} value=${next} onInput=${setNext} autocomplete="new-password" required hint=${t('users.passwordHint')} />
          <${TextField} name="confirm-password" type="password" label=${t('account.confirm')} value=${confirm} onInput=${setConfirm} autocomplete="new-password" required />
          <button type="submit" class="primary">${t('account.change')}</button>
        </form>
      </section>
    </div>`;
}
