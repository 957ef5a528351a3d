// Navigation that follows the reader's role and scope: an item shows only to roles that hold its
// permission (and, for some, only at province or district level). The API still decides.
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { can, levelOfCode } from '../lib/session.js';

export const NAV_ITEMS = [
  { path: '/', key: 'nav.overview' },
  { path: '/today', key: 'nav.today', permission: 'reports.read' },
  { path: '/schedules', key: 'nav.schedules', permission: 'schedules.read' },
  { path: '/emergency', key: 'nav.emergency', permission: 'emergency.send' },
  { path: '/stations', key: 'nav.stations', permission: 'registry.read' },
  { path: '/devices', key: 'nav.devices', permission: 'devices.read' },
  { path: '/bulletins', key: 'bulletins.nav', permission: 'bulletins.read' },
  { path: '/bulletins/queue', key: 'bulletins.navQueue', permission: 'bulletins.approve' },
  { path: '/legacy', key: 'nav.legacy', permission: 'registry.read', levels: ['province', 'district'] },
  { path: '/reports', key: 'nav.reports', permission: 'reports.read' },
  { path: '/users', key: 'nav.users', permission: 'users.manage' },
  { path: '/audit', key: 'nav.audit', permission: 'audit.read' },
];

export function visibleItems(me) {
  const level = levelOfCode(me.scopeCode);
  return NAV_ITEMS.filter((item) => (!item.permission || can(me, item.permission)) && (!item.levels || item.levels.includes(level)));
}

function matches(item, path) {
  return item.path === '/' ? path === '/' : path === item.path || path.startsWith(`${item.path}/`);
}

/** The item for this path: the longest that matches (the approval queue, not the library above it). */
function isCurrent(item, path, items) {
  const best = items.filter((i) => matches(i, path)).sort((a, b) => b.path.length - a.path.length)[0];
  return best === item;
}

export function Nav({ me, path, open, onNavigate }) {
  const items = visibleItems(me);
  return html`<nav id="nav" class=${`nav${open ? ' open' : ''}`} aria-label=${t('nav.label')}>
    <ul>
      ${items.map(
        (item) => html`<li key=${item.path}>
          <a href=${`#${item.path}`} aria-current=${isCurrent(item, path, items) ? 'page' : undefined} onClick=${onNavigate}>${t(item.key)}</a>
        </li>`,
      )}
    </ul>
  </nav>`;
}
