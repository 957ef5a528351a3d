import { PageHeader } from '../components/page.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';

export default function NotFound() {
  return html`<${PageHeader} title=${t('notFound.title')} /><p><a href="#/">${t('notFound.home')}</a></p>`;
}
