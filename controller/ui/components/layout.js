// The frame of every signed-in screen: a skip link, the header (who, where, language, live
// status, sign-out), role-aware navigation (a drawer on phones) and the main landmark.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { useLiveStatus } from '../lib/live.js';
import { LangSwitch } from './lang-switch.js';
import { LiveAnnouncer } from './live-announcer.js';
import { Nav } from './nav.js';

const ICON = new URL('../icon.svg', import.meta.url).href;

function LiveIndicator() {
  const status = useLiveStatus();
  const live = status === 'live';
  return html`<span class=${`live-pill ${live ? 'on' : 'off'}`} title=${t(`live.${status}`)}>
    <span class="dot" aria-hidden="true"></span><span class="live-text">${t(`live.${status}`)}</span>
  </span>`;
}

function skipToMain(event) {
  event.preventDefault();
  document.getElementById('main')?.focus();
}

export function Layout({ me, path, onSignOut, children }) {
  const [menuOpen, setMenuOpen] = useState(false);
  return html`<div class="shell">
    <a class="skip" href="#" onClick=${skipToMain}>${t('layout.skip')}</a>
    <header class="topbar">
      <button type="button" class="menu-button" aria-expanded=${menuOpen} aria-controls="nav" onClick=${() => setMenuOpen(!menuOpen)}>
        <span aria-hidden="true">☰</span><span class="sr-only">${t('layout.menu')}</span>
      </button>
      <a class="brand" href="#/"><img src=${ICON} alt="" width="28" height="28" /><span>Loa</span></a>
      <span class="scope" title=${me.scopeName}>${me.scopeName}</span>
      <${LiveIndicator} />
      <${LangSwitch} />
      <a class="account-link" href="#/account" title=${t('layout.account')}>
        <svg class="icon" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false"><circle cx="10" cy="6.5" r="3.5" fill="currentColor" /><path d="M3 18c0-4 3.2-6.5 7-6.5s7 2.5 7 6.5z" fill="currentColor" /></svg><span class="account-name">${me.displayName}</span><span class="sr-only">${t('layout.account')}</span>
      </a>
      <button type="button" class="link-button" onClick=${onSignOut}>${t('layout.signOut')}</button>
    </header>
    <div class="body">
      <${Nav} me=${me} path=${path} open=${menuOpen} onNavigate=${() => setMenuOpen(false)} />
      <main id="main" tabindex="-1">${children}</main>
    </div>
    <${LiveAnnouncer} />
  </div>`;
}
