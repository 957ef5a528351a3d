// Tiếng Việt / English. Two toggle buttons, so the current language is announced as pressed.
import { html } from '../lib/html.js';
import { getLang, setLang, t } from '../lib/i18n.js';

export function LangSwitch() {
  const lang = getLang();
  return html`<div class="lang-switch" role="group" aria-label=${t('lang.label')}>
    <button type="button" lang="vi" aria-pressed=${lang === 'vi'} onClick=${() => setLang('vi')} title="Tiếng Việt">VI</button>
    <button type="button" lang="en" aria-pressed=${lang === 'en'} onClick=${() => setLang('en')} title="English">EN</button>
  </div>`;
}
