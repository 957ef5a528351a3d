// The schedule form: title, class, timing (weekly / once / cron), validity window, what plays (a
// playlist of approved bulletins or a relay stream for a duration), targets, volume. A 409
// conflict is shown inline with every clashing airing; accepted priority clashes are listed too.
import { useState } from 'preact/hooks';
import { TextField } from '../components/form.js';
import { ErrorNotice } from '../components/page.js';
import { api } from '../lib/api.js';
import { fmtDateTime, fmtTime } from '../lib/format.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { can, useSession } from '../lib/session.js';
import { AreaPicker } from './area-picker.js';
import { BulletinSelect, bulletinLabel, useApprovedBulletins } from './bulletin-select.js';
import { DeviceTargets, GroupTargets } from './schedule-targets.js';
import { timingBody, TimingFields, timingState } from './schedule-timing.js';

function Playlist({ ids, onChange, bulletins }) {
  const [pick, setPick] = useState(null);
  const move = (i, by) => {
    const next = [...ids];
    const [x] = next.splice(i, 1);
    next.splice(i + by, 0, x);
    onChange(next);
  };
  const label = (id) => {
    const b = bulletins.find((x) => x.id === id);
    return b ? bulletinLabel(b) : t('schedules.bulletinN', { id });
  };
  return html`<div>
    ${ids.length > 0 &&
    html`<ol class="picked" aria-label=${t('schedules.playlist')} data-testid="playlist">
      ${ids.map(
        (id, i) => html`<li key=${`${id}-${i}`}>
          <span>${label(id)}</span>
          <span class="actions">
            <button type="button" class="secondary small" disabled=${i === 0} onClick=${() => move(i, -1)} aria-label=${t('schedules.order.up', { title: label(id) })}>↑</button>
            <button type="button" class="link-button" aria-label=${t('areas.remove', { name: label(id) })} onClick=${() => onChange(ids.filter((_, j) => j !== i))}>${t('areas.removeShort')}</button>
          </span>
        </li>`,
      )}
    </ol>`}
    <div class="inline-form">
      <${BulletinSelect} id="sched-bulletin" label=${t('schedules.addBulletin')} value=${pick} onChange=${setPick} bulletins=${bulletins} />
      <button type="button" class="secondary" disabled=${!pick} onClick=${() => {
          onChange([...ids, pick]);
          setPick(null);
        }}>${t('areas.add')}</button>
    </div>
  </div>`;
}

function Clashes({ title, clashes }) {
  return html`<div class="notice warn" data-testid="clashes">
    <p>${title}</p>
    <ul class="clashes">
      ${clashes.map((c) => html`<li key=${c.occurrenceId}><a href=${`#/schedules/${c.scheduleId}`}>${c.title}</a> — ${fmtDateTime(c.startAt)}–${fmtTime(c.endAt)} (${t(`priority.${c.class}`)})</li>`)}
    </ul>
  </div>`;
}

function initial(s) {
  return {
    title: s?.title ?? '',
    class: s?.class ?? 'normal',
    timing: timingState(s?.timing),
    validFrom: s?.validFrom ?? '',
    validTo: s?.validTo ?? '',
    source: s?.stream ? 'stream' : 'bulletins',
    bulletinIds: s?.bulletinIds ?? [],
    url: s?.stream?.url ?? '',
    minutes: s?.stream ? String(Math.round(s.stream.durationMs / 60_000)) : '30',
    areas: s?.targets.areas ?? [],
    groups: s?.targets.groups ?? [],
    devices: s?.targets.devices ?? [],
    volume: s?.volume ?? '',
  };
}

export function ScheduleForm({ schedule, onSaved }) {
  const { me } = useSession();
  const bulletins = useApprovedBulletins();
  const [f, setF] = useState(() => initial(schedule));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (key) => (value) => setF((x) => ({ ...x, [key]: value }));
  const timing = timingBody(f.timing);
  const recurring = f.timing.kind !== 'once';

  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    if (!timing) return setError({ message: t('schedules.timingIncomplete') });
    const body = {
      title: f.title.trim(),
      class: f.class,
      timing,
      validFrom: recurring && f.validFrom ? f.validFrom : null,
      validTo: recurring && f.validTo ? f.validTo : null,
      volume: f.volume === '' ? null : Number(f.volume),
      targets: { areas: f.areas, groups: f.groups, devices: f.devices },
    };
    if (f.source === 'bulletins') body.bulletinIds = f.bulletinIds;
    else body.stream = { url: f.url.trim(), durationMs: Math.round(Number(f.minutes) * 60_000) };
    setBusy(true);
    try {
      const result = await api(schedule ? `/schedules/${schedule.id}` : '/schedules', { method: schedule ? 'PUT' : 'POST', body });
      onSaved(result);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const clashes = error?.code === 'schedule_conflict' ? (error.body?.details?.clashes ?? []) : null;
  const classes = can(me, 'emergency.send') ? ['normal', 'priority', 'emergency'] : ['normal', 'priority'];
  return html`<form class="form-wide" onSubmit=${submit} data-testid="schedule-form">
    ${clashes ? html`<div role="alert"><${Clashes} title=${error.message} clashes=${clashes} /></div>` : html`<${ErrorNotice} error=${error} />`}
    <${TextField} id="sched-title" label=${t('schedules.titleField')} value=${f.title} onInput=${set('title')} required maxLength="200" />
    <fieldset>
      <legend>${t('schedules.class')}</legend>
      <div class="choice-row">
        ${classes.map((c) => html`<label key=${c}><input type="radio" name="sched-class" checked=${f.class === c} onChange=${() => set('class')(c)} />${t(`priority.${c}`)}</label>`)}
      </div>
      <small class="hint">${t('schedules.classHint')}</small>
    </fieldset>
    <${TimingFields} value=${f.timing} onChange=${set('timing')} />
    ${recurring &&
    html`<div class="inline-form">
      <${TextField} id="sched-from" type="date" label=${t('schedules.validFrom')} value=${f.validFrom} onInput=${set('validFrom')} />
      <${TextField} id="sched-to" type="date" label=${t('schedules.validTo')} value=${f.validTo} onInput=${set('validTo')} />
    </div>`}
    <fieldset>
      <legend>${t('schedules.content')}</legend>
      <div class="choice-row">
        <label><input type="radio" name="sched-source" checked=${f.source === 'bulletins'} onChange=${() => set('source')('bulletins')} />${t('schedules.sourceBulletins')}</label>
        <label><input type="radio" name="sched-source" checked=${f.source === 'stream'} onChange=${() => set('source')('stream')} />${t('emergency.sourceStream')}</label>
      </div>
      ${f.source === 'bulletins'
        ? html`<${Playlist} ids=${f.bulletinIds} onChange=${set('bulletinIds')} bulletins=${bulletins} />`
        : html`<${TextField} id="sched-stream" type="url" label=${t('emergency.streamUrl')} value=${f.url} onInput=${set('url')} required placeholder="https://" />
            <${TextField} id="sched-minutes" type="number" min="1" max="1440" label=${t('emergency.minutes')} value=${f.minutes} onInput=${set('minutes')} required />`}
    </fieldset>
    <fieldset>
      <legend>${t('schedules.targets')}</legend>
      <${AreaPicker} id="sched-area" label=${t('schedules.area')} value=${f.areas} onChange=${set('areas')} />
      <${GroupTargets} value=${f.groups} onChange=${set('groups')} />
      <${DeviceTargets} value=${f.devices} onChange=${set('devices')} />
    </fieldset>
    <${TextField} id="sched-volume" type="number" min="0" max="100" label=${t('emergency.volume')} value=${f.volume} onInput=${set('volume')} hint=${t('emergency.volumeHint')} />
    <p class="actions"><button type="submit" class="primary" disabled=${busy}>${t('common.save')}</button><a class="button secondary" href="#/schedules">${t('common.cancel')}</a></p>
  </form>`;
}

export { Clashes };
