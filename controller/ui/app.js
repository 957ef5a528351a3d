// The console's entry: restores the session (GET /auth/me), shows sign-in when there is none,
// and otherwise the frame with the current screen. Language changes re-render everything.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Layout } from './components/layout.js';
import { api, onUnauthorized } from './lib/api.js';
import { html } from './lib/html.js';
import { applyLang, getLang, onLangChange, t } from './lib/i18n.js';
import { connectLive, disconnectLive } from './lib/live.js';
import { useRoute } from './lib/router.js';
import { SessionContext, unitIndex } from './lib/session.js';
import { SignIn } from './pages/sign-in.js';
import { PageOutlet } from './routes.js';

function App() {
  // undefined: still asking the API; null: signed out.
  const [session, setSession] = useState(undefined);
  // Held only so a language switch re-renders every screen.
  const [, setLangState] = useState(getLang());
  const route = useRoute();

  const begin = async (me) => {
    const units = await api('/admin-units');
    setSession({ me, units: unitIndex(units) });
    connectLive(() => setSession(null));
  };
  const end = () => {
    disconnectLive();
    setSession(null);
  };

  useEffect(() => onLangChange(setLangState), []);
  useEffect(() => {
    onUnauthorized(end);
    api('/auth/me', { quiet401: true })
      .then(begin)
      .catch(() => setSession(null));
  }, []);

  const signOut = async () => {
    await api('/auth/logout', { method: 'POST' }).catch(() => {});
    end();
  };

  if (session === undefined) return html`<p class="boot" role="status">${t('common.loading')}</p>`;
  if (session === null) return html`<${SignIn} onSignedIn=${begin} />`;
  return html`<${SessionContext.Provider} value=${session}>
    <${Layout} me=${session.me} path=${route.path} onSignOut=${signOut}>
      <${PageOutlet} route=${route} />
    </${Layout}>
  </${SessionContext.Provider}>`;
}

applyLang();
const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
