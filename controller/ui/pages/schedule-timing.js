// The timing part of the schedule form: the friendly weekly form (days of the week + times), a
// one-off local date-time, or an advanced node-cron expression; and a one-line summary of each.
import { fmtDay } from '../lib/format.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

export function timingSummary(timing) {
  if (!timing) return '—';
  if (timing.kind === 'once') return t('schedules.onceAt', { day: fmtDay(timing.at.slice(0, 10)), time: timing.at.slice(11, 16) });
  if (timing.kind === 'cron') return t('schedules.cronSummary', { cron: timing.cron });
  const days = timing.daysOfWeek.length === 7 ? t('schedules.everyDay') : timing.daysOfWeek.map((d) => t(`schedules.dowShort.${d}`)).join(', ');
  return `${days} · ${timing.times.join(', ')}`;
}

/** The form's timing state → the API's `timing`, or null while incomplete. */
export function timingBody(f) {
  if (f.kind === 'once') return f.at ? { kind: 'once', at: f.at } : null;
  if (f.kind === 'cron') return f.cron.trim() ? { kind: 'cron', cron: f.cron.trim() } : null;
  const times = f.times.filter(Boolean);
  return f.days.length && times.length ? { kind: 'weekly', daysOfWeek: [...f.days].sort(), times } : null;
}

export function timingState(timing) {
  const base = { kind: 'weekly', days: [1, 2, 3, 4, 5, 6, 7], times: ['05:30'], at: '', cron: '' };
  if (!timing) return base;
  if (timing.kind === 'weekly') return { ...base, days: timing.daysOfWeek, times: timing.times };
  if (timing.kind === 'once') return { ...base, kind: 'once', at: timing.at.slice(0, 16) };
  return { ...base, kind: 'cron', cron: timing.cron };
}

export function TimingFields({ value: f, onChange }) {
  const set = (patch) => onChange({ ...f, ...patch });
  const toggleDay = (d) => set({ days: f.days.includes(d) ? f.days.filter((x) => x !== d) : [...f.days, d] });
  const setTime = (i, v) => set({ times: f.times.map((x, j) => (j === i ? v : x)) });
  return html`<fieldset>
    <legend>${t('schedules.when')}</legend>
    <div class="choice-row">
      ${['weekly', 'once', 'cron'].map(
        (k) => html`<label key=${k}><input type="radio" name="timing-kind" checked=${f.kind === k} onChange=${() => set({ kind: k })} />${t(`schedules.kind.${k}`)}</label>`,
      )}
    </div>
    ${f.kind === 'weekly' &&
    html`<fieldset>
        <legend>${t('schedules.days')}</legend>
        <div class="choice-row">
          ${WEEKDAYS.map((d) => html`<label key=${d}><input type="checkbox" checked=${f.days.includes(d)} onChange=${() => toggleDay(d)} />${t(`schedules.dow.${d}`)}</label>`)}
        </div>
      </fieldset>
      <fieldset>
        <legend>${t('schedules.times')}</legend>
        <div class="times-list">
          ${f.times.map(
            (time, i) => html`<div class="field" key=${i}>
              <label for=${`time-${i}`}>${t('schedules.timeN', { n: i + 1 })}</label>
              <input id=${`time-${i}`} type="time" value=${time} required onInput=${(e) => setTime(i, e.currentTarget.value)} />
              ${f.times.length > 1 && html`<button type="button" class="link-button" onClick=${() => set({ times: f.times.filter((_, j) => j !== i) })}>${t('schedules.removeTime', { n: i + 1 })}</button>`}
            </div>`,
          )}
          <button type="button" class="secondary small" onClick=${() => set({ times: [...f.times, ''] })}>${t('schedules.addTime')}</button>
        </div>
      </fieldset>`}
    ${f.kind === 'once' &&
    html`<div class="field"><label for="timing-at">${t('schedules.at')}</label><input id="timing-at" type="datetime-local" value=${f.at} required onInput=${(e) => set({ at: e.currentTarget.value })} /></div>`}
    ${f.kind === 'cron' &&
    html`<div class="field"><label for="timing-cron">${t('schedules.cron')}</label>
        <input id="timing-cron" value=${f.cron} required autocomplete="off" spellcheck="false" placeholder="30 5 * * 1-6" aria-describedby="timing-cron-hint" onInput=${(e) => set({ cron: e.currentTarget.value })} />
        <small id="timing-cron-hint" class="hint">${t('schedules.cronHint')}</small></div>`}
  </fieldset>`;
}
