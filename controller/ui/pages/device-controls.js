// Controls of one cluster — volume, amplifier power, play an approved bulletin now, stop, re-send
// its schedule — each sent as a command (POST /devices/:id/commands, audited) whose result is
// shown as it arrives: the list is polled while a command is still waiting for its answer.
import { useEffect, useState } from 'preact/hooks';
import { ErrorNotice } from '../components/page.js';
import { api } from '../lib/api.js';
import { fmtDateTime, fmtTime } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { can, useSession } from '../lib/session.js';
import { reasonText, tOr } from './broadcast-parts.js';
import { BulletinSelect, useApprovedBulletins } from './bulletin-select.js';

const POLL_MS = 1500;
const STATUS_TONE = { ok: 'ok', pending: 'muted', error: 'bad', rejected: 'bad', expired: 'warn' };

function describe(c) {
  const p = c.payload?.params ?? {};
  if (c.op === 'volume') return t('controls.op.volumeTo', { level: p.level });
  if (c.op === 'power') return t(`controls.op.power.${p.state === 'on' ? 'on' : 'off'}`);
  if (c.op === 'play') return t('controls.op.playTitle', { title: p.title ?? p.source?.url ?? '' });
  return tOr(`controls.op.${c.op}`, c.op);
}

function CommandList({ state }) {
  const items = state.data?.items ?? [];
  if (items.length === 0) return html`<p class="empty">${t('controls.noCommands')}</p>`;
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t('controls.recent')}>
    <table class="data compact" data-testid="command-list">
      <thead><tr><th scope="col">${t('controls.sentAt')}</th><th scope="col">${t('controls.command')}</th><th scope="col">${t('controls.result')}</th><th scope="col">${t('controls.by')}</th></tr></thead>
      <tbody>
        ${items.map(
          (c) => html`<tr key=${c.id} data-command=${c.id} data-op=${c.op} data-status=${c.status}>
            <td>${fmtDateTime(c.createdAt)}</td>
            <td>${describe(c)}</td>
            <td><span class=${`badge ${STATUS_TONE[c.status] ?? 'muted'}`}>${tOr(`controls.status.${c.status}`, c.status)}</span>
              ${c.resultAt && html` <small class="muted">${fmtTime(c.resultAt)}</small>`}
              ${c.error && html`<br /><small class="bad-text">${reasonText(c.error)}</small>`}
              ${c.status === 'pending' && c.sentCount > 1 && html`<br /><small class="muted">${t('controls.resent', { n: c.sentCount })}</small>`}</td>
            <td>${c.createdBy ?? '—'}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function DeviceControls({ device }) {
  const { me } = useSession();
  const path = `/devices/${encodeURIComponent(device.id)}/commands`;
  const commands = useApi(`${path}?limit=10`);
  const bulletins = useApprovedBulletins();
  const [level, setLevel] = useState(String(device.lastHeartbeat?.volume ?? 80));
  const [bulletinId, setBulletinId] = useState(null);
  const [cls, setCls] = useState('normal');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const waiting = (commands.data?.items ?? []).some((c) => c.status === 'pending');
  useEffect(() => {
    if (!waiting) return undefined;
    const timer = setInterval(commands.reload, POLL_MS);
    return () => clearInterval(timer);
  }, [waiting, commands.reload]);

  const send = async (body) => {
    setBusy(true);
    setError(null);
    try {
      await api(path, { method: 'POST', body });
      commands.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const classes = can(me, 'emergency.send') ? ['normal', 'priority', 'emergency'] : ['normal', 'priority'];
  return html`<div>
    <${ErrorNotice} error=${error} />
    ${!device.online && html`<p class="notice warn">${t('controls.offlineNote')}</p>`}
    <div class="controls">
      <form class="inline-form" onSubmit=${(e) => {
        e.preventDefault();
        send({ op: 'volume', level: Number(level) });
      }}>
        <div class="field"><label for="ctl-volume">${t('controls.volume')}</label>
          <input id="ctl-volume" type="number" min="0" max="100" required value=${level} onInput=${(e) => setLevel(e.currentTarget.value)} /></div>
        <button type="submit" class="secondary" disabled=${busy}>${t('controls.setVolume')}</button>
      </form>
      <div class="actions" role="group" aria-label=${t('controls.power')}>
        <button type="button" class="secondary" disabled=${busy} onClick=${() => send({ op: 'power', state: 'on' })}>${t('controls.powerOn')}</button>
        <button type="button" class="secondary" disabled=${busy} onClick=${() => send({ op: 'power', state: 'off' })}>${t('controls.powerOff')}</button>
      </div>
      <form class="inline-form" onSubmit=${(e) => {
        e.preventDefault();
        if (bulletinId) send({ op: 'play', bulletinId, class: cls });
      }}>
        <${BulletinSelect} id="ctl-bulletin" label=${t('controls.playBulletin')} value=${bulletinId} onChange=${setBulletinId} bulletins=${bulletins} />
        <div class="field"><label for="ctl-class">${t('schedules.class')}</label>
          <select id="ctl-class" value=${cls} onChange=${(e) => setCls(e.currentTarget.value)}>${classes.map((c) => html`<option key=${c} value=${c}>${t(`priority.${c}`)}</option>`)}</select></div>
        <button type="submit" class="primary" disabled=${busy || !bulletinId}>${t('controls.playNow')}</button>
      </form>
      <div class="actions">
        <button type="button" class="danger" disabled=${busy} onClick=${() => send({ op: 'stop' })}>${t('controls.stop')}</button>
        <button type="button" class="secondary" disabled=${busy} onClick=${() => send({ op: 'sync' })}>${t('controls.sync')}</button>
      </div>
    </div>
    <h3>${t('controls.recent')}</h3>
    <${CommandList} state=${commands} />
  </div>`;
}
