// The one way the console talks to the API (/api/v1, the same public API as everyone else's).
// A 401 sends the reader back to sign-in; any other refusal becomes an ApiError carrying the
// API's own message, already in the reader's language (the `lang` cookie).
import { t } from './i18n.js';

export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

let unauthorized = () => {};

/** Registers what to do when the session is gone (app.js shows the sign-in screen). */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

/** `?a=1&b=x` from an object, leaving out empty values. */
export function qs(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export async function api(path, { method = 'GET', body, signal, quiet401 = false } = {}) {
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      signal,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', t('error.network'));
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (response.ok) return data;
  if (response.status === 401 && !quiet401) unauthorized(data);
  throw new ApiError(response.status, data?.code ?? `http_${response.status}`, data?.message ?? t('error.http', { status: response.status }), data);
}
