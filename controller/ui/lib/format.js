// Dates, numbers and durations in the reader's language and the province's time zone.
import { SETTINGS } from '../config.js';
import { getLang, t } from './i18n.js';

const locale = () => (getLang() === 'vi' ? 'vi-VN' : 'en-GB');
const zone = SETTINGS.timezone;

export function fmtNumber(n, digits = 0) {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
}

export function fmtPercent(ratio, digits = 1) {
  if (ratio === null || ratio === undefined || Number.isNaN(ratio)) return '—';
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: digits }).format(ratio);
}

export function fmtDateTime(ms) {
  if (!ms) return '—';
  return new Intl.DateTimeFormat(locale(), { timeZone: zone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(ms));
}

export function fmtTime(ms) {
  if (!ms) return '—';
  return new Intl.DateTimeFormat(locale(), { timeZone: zone, hour: '2-digit', minute: '2-digit' }).format(new Date(ms));
}

/** A local day `YYYY-MM-DD` (or ms) as a short date. */
export function fmtDay(day) {
  if (!day) return '—';
  const date = typeof day === 'number' ? new Date(day) : new Date(`${day}T12:00:00Z`);
  return new Intl.DateTimeFormat(locale(), { timeZone: typeof day === 'number' ? zone : 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' }).format(date);
}

/** "5 minutes ago", "3 days ago". */
export function fmtAgo(ms, now = Date.now()) {
  if (!ms) return t('common.never');
  const seconds = Math.round((ms - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(seconds, 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
  return rtf.format(Math.round(seconds / 86400), 'day');
}

export function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return t('common.seconds', { s: seconds });
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (h >= 48) return t('common.days', { n: fmtNumber(seconds / 86400, 1) });
  return h > 0 ? t('common.hoursMinutes', { h, m }) : t('common.minutes', { m });
}

export function fmtBytes(bytes) {
  if (bytes === null || bytes === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${fmtNumber(v, i === 0 ? 0 : 1)} ${units[i]}`;
}

/** Today as YYYY-MM-DD in the province's zone. */
export function todayLocal(now = Date.now()) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(now));
}
