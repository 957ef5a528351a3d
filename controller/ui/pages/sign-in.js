// Sign-in: username and password, the API's own message when refused (wrong password, locked
// account, too many attempts), and the language switch before anything else.
import { useState } from 'preact/hooks';
import { TextField } from '../components/form.js';
import { LangSwitch } from '../components/lang-switch.js';
import { ErrorNotice } from '../components/page.js';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { usePageTitle } from '../lib/hooks.js';

const ICON = new URL('../icon.svg', import.meta.url).href;

export function SignIn({ onSignedIn }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  usePageTitle(t('signIn.title'));

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await api('/auth/login', { method: 'POST', body: { username, password }, quiet401: true });
      await onSignedIn(me);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return html`<div class="sign-in">
    <header class="sign-in-header">
      <img src=${ICON} alt="" width="40" height="40" />
      <div class="sign-in-title">
        <p class="brand-name">Loa</p>
        <p class="tagline">${t('signIn.tagline')}</p>
      </div>
      <${LangSwitch} />
    </header>
    <main id="main" tabindex="-1">
      <form class="card sign-in-form" onSubmit=${submit} aria-describedby=${error ? 'sign-in-error' : undefined}>
        <h1>${t('signIn.title')}</h1>
        <div id="sign-in-error"><${ErrorNotice} error=${error} /></div>
        <${TextField} name="username" label=${t('signIn.username')} value=${username} onInput=${setUsername} autocomplete="username" required autofocus autocapitalize="none" spellcheck=${false} />
        <${TextField} name="password" type="password" label=${t('signIn.password')} value=${password} onInput=${setPassword} autocomplete="current-password" required />
        <button type="submit" class="primary" disabled=${busy}>${busy ? t('signIn.busy') : t('signIn.submit')}</button>
        <p class="hint">${t('signIn.help')}</p>
      </form>
    </main>
  </div>`;
}
