// Sending audio to the API with an upload progress bar. fetch() cannot report how much of a body
// has gone out; XMLHttpRequest's upload.onprogress can. Refusals carry the API's own message,
// already in the reader's language (the `lang` cookie goes with the request).
import { ApiError } from '../lib/api.js';
import { t } from '../lib/i18n.js';

/** multipart/form-data to `/api/v1${path}`; resolves with the JSON answer, rejects with an ApiError. */
export function sendForm(path, formData, { method = 'POST', onProgress } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, `/api/v1${path}`);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress?.(e.loaded / e.total);
    };
    xhr.onload = () => {
      let data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {}
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new ApiError(xhr.status, data?.code ?? `http_${xhr.status}`, data?.message ?? t('error.http', { status: xhr.status }), data));
    };
    // The server stops reading an upload it refuses (too large, not allowed) and closes the
    // connection; the browser may then see a network error instead of the answer.
    xhr.onerror = () => reject(new ApiError(0, 'network', t('bulletins.upload.cutOff')));
    xhr.send(formData);
  });
}

/** The metadata of a new bulletin as form fields (empty ones left out). */
export function metadataForm(fields) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) if (value !== undefined && value !== null && value !== '') form.append(key, value);
  return form;
}
