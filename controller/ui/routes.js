// Which screen answers which address. Screens are separate modules loaded on first visit, so a
// commune operator's phone never downloads the province's report pages.
import { useEffect, useState } from 'preact/hooks';
import { ErrorNotice, Loading } from './components/page.js';
import { html } from './lib/html.js';
import { t } from './lib/i18n.js';
import { match } from './lib/router.js';

const ROUTES = [
  ['', () => import('./pages/overview.js')],
  ['stations', () => import('./pages/stations.js')],
  ['stations/:id', () => import('./pages/station.js')],
  ['devices', () => import('./pages/devices.js')],
  ['devices/:id', () => import('./pages/device.js')],
  ['bulletins', () => import('./pages/bulletins.js')],
  ['bulletins/new', () => import('./pages/bulletin-new.js')],
  ['bulletins/queue', () => import('./pages/bulletin-queue.js')],
  ['bulletins/:id', () => import('./pages/bulletin.js')],
  ['legacy', () => import('./pages/legacy.js')],
  ['reports', () => import('./pages/reports.js')],
  ['users', () => import('./pages/users.js')],
  ['audit', () => import('./pages/audit.js')],
  ['account', () => import('./pages/account.js')],
  ['today', () => import('./pages/today.js')],
  ['schedules', () => import('./pages/schedules.js')],
  ['schedules/new', () => import('./pages/schedule-edit.js')],
  ['schedules/:id', () => import('./pages/schedule-edit.js')],
  ['emergency', () => import('./pages/emergency.js')],
  ['emergency/:id', () => import('./pages/emergency-live.js')],
];
const NOT_FOUND = () => import('./pages/not-found.js');

function resolve(segments) {
  for (const [pattern, load] of ROUTES) {
    const params = match(pattern, segments);
    if (params) return { pattern, load, params };
  }
  return { pattern: '*', load: NOT_FOUND, params: {} };
}

export function PageOutlet({ route }) {
  const found = resolve(route.segments);
  const [loaded, setLoaded] = useState({ pattern: null, Component: null, error: null });
  const load = () => {
    let alive = true;
    found
      .load()
      .then((module) => alive && setLoaded({ pattern: found.pattern, Component: module.default, error: null }))
      .catch(() => alive && setLoaded({ pattern: found.pattern, Component: null, error: { message: t('error.moduleLoad') } }));
    return () => {
      alive = false;
    };
  };
  useEffect(load, [found.pattern]);
  if (loaded.pattern !== found.pattern) return html`<${Loading} />`;
  if (loaded.error) return html`<${ErrorNotice} error=${loaded.error} onRetry=${() => location.reload()} />`;
  const { Component } = loaded;
  return html`<${Component} key=${route.path} params=${found.params} query=${route.query} />`;
}
