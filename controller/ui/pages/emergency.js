// Emergency broadcasts: the form that sends one (staff who may) and the recent ones reaching the
// reader's area, each with how many clusters acknowledged and started it.
import { Async, Empty, PageHeader } from '../components/page.js';
import { fmtDateTime } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { can, useSession } from '../lib/session.js';
import { EmergencyStatus } from './broadcast-parts.js';
import { EmergencyForm } from './emergency-form.js';

function Recent() {
  const { units } = useSession();
  const state = useApi('/emergencies?limit=20');
  return html`<${Async} state=${state}>${(items) =>
    items.length === 0
      ? html`<${Empty}>${t('emergency.noneYet')}</${Empty}>`
      : html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t('emergency.recent')}>
          <table class="data" data-testid="emergency-list">
            <thead><tr>
              <th scope="col">${t('emergency.titleField')}</th><th scope="col">${t('emergency.sentAt')}</th><th scope="col">${t('emergency.areas')}</th>
              <th scope="col">${t('emergency.state')}</th><th scope="col" class="num">${t('emergency.acked')}</th><th scope="col" class="num">${t('emergency.playing')}</th>
            </tr></thead>
            <tbody>
              ${items.map(
                (e) => html`<tr key=${e.id} data-emergency=${e.id}>
                  <th scope="row"><a href=${`#/emergency/${encodeURIComponent(e.id)}`}>${e.title}</a></th>
                  <td>${fmtDateTime(e.createdAt)}</td>
                  <td>${e.areaCodes.map((c) => units.name(c)).join(', ')}</td>
                  <td><${EmergencyStatus} status=${e.status} /></td>
                  <td class="num">${e.counts.acknowledged}/${e.counts.targeted}</td>
                  <td class="num">${e.counts.playing}/${e.counts.targeted}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>`}</${Async}>`;
}

export default function Emergency() {
  const { me } = useSession();
  return html`<${PageHeader} title=${t('emergency.title')} subtitle=${t('emergency.subtitle')} />
    ${can(me, 'emergency.send') &&
    html`<section class="card emergency-form" aria-labelledby="em-new"><h2 id="em-new">${t('emergency.new')}</h2><${EmergencyForm} /></section>`}
    <section class="card" aria-labelledby="em-recent"><h2 id="em-recent">${t('emergency.recent')}</h2><${Recent} /></section>`;
}
