// A week of an area's airings as seven day columns (stacked on a phone), each item coloured by
// its class and labelled with its time, title and class in words; a click opens its schedule.
import { fmtDay, fmtTime, todayLocal } from '../lib/format.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { addDays } from './broadcast-parts.js';

const CLASSES = ['normal', 'priority', 'emergency'];

export function WeekCalendar({ monday, occurrences }) {
  const today = todayLocal();
  const days = Array.from({ length: 7 }, (_, i) => addDays(monday, i));
  const byDay = new Map(days.map((d) => [d, []]));
  for (const o of occurrences) byDay.get(todayLocal(o.startAt))?.push(o);
  return html`<div>
    <p class="week-legend" aria-hidden="true">
      ${CLASSES.map((c) => html`<span key=${c} class=${`legend-inline cls-${c}`}><span class="swatch" style=${{ background: 'var(--cls-swatch)' }}></span>${t(`priority.${c}`)}</span>`)}
    </p>
    <div class="week" data-testid="week-calendar">
      ${days.map(
        (day, i) => html`<section key=${day} class=${`week-day${day === today ? ' today' : ''}`} data-day=${day} aria-labelledby=${`day-${day}`}>
          <h3 id=${`day-${day}`}>${t(`schedules.dow.${i + 1}`)} ${fmtDay(day)}</h3>
          ${byDay.get(day).length === 0
            ? html`<p class="muted hint">${t('schedules.dayEmpty')}</p>`
            : html`<ol>
                ${byDay.get(day).map(
                  (o) => html`<li key=${o.id}>
                    <a class=${`week-item cls-${o.class}`} href=${`#/schedules/${o.scheduleId}`} data-occurrence=${o.id} data-schedule=${o.scheduleId}>
                      <span class="time">${fmtTime(o.startAt)}</span> ${o.title}
                      <span class="sr-only">, ${t(`priority.${o.class}`)}</span>
                    </a>
                  </li>`,
                )}
              </ol>`}
        </section>`,
      )}
    </div>
  </div>`;
}
