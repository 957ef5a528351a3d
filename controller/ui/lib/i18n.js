// Vietnamese by default, English on request. The choice is kept in localStorage and in the
// `lang` cookie, which the API reads (controller/http/language.ts) so its messages match.
import { en } from '../i18n/en.js';
import { vi } from '../i18n/vi.js';

const DICTIONARIES = { vi, en };
const STORAGE_KEY = 'loa.lang';
const listeners = new Set();

function initial() {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

let lang = initial();

function writeCookie(value) {
  // The API reads `lang` on every request (controller/http/language.ts); the Cookie Store API is not in every phone browser yet.
  // biome-ignore lint/suspicious/noDocumentCookie: see above
  document.cookie = `lang=${value}; path=/; max-age=31536000; samesite=strict`;
}

/** Applies the current language to the document and the API cookie (call once at start). */
export function applyLang() {
  document.documentElement.lang = lang;
  writeCookie(lang);
}

export function getLang() {
  return lang;
}

export function setLang(next) {
  if (next !== 'vi' && next !== 'en') return;
  lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {}
  applyLang();
  for (const listener of listeners) listener(next);
}

export function onLangChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The text for `key` in the current language; `{name}` placeholders are filled from params. */
export function t(key, params) {
  const text = DICTIONARIES[lang][key] ?? DICTIONARIES.vi[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}
