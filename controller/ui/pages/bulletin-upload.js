// A new bulletin from an audio file: the metadata, the file, an upload progress bar, and the API's
// refusal (empty, not audio, truncated, too long or too large — in the reader's language) next to the form.
import { useState } from 'preact/hooks';
import { ErrorNotice } from '../components/page.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { useSession } from '../lib/session.js';
import { metadataBody } from './bulletin-fields.js';
import { ProgressBar } from './bulletin-parts.js';
import { metadataForm, sendForm } from './bulletin-send.js';

/** Sends `file` with the metadata; shows its progress; `onCreated(bulletin)` when the API took it. */
export function useUpload(onCreated) {
  const { me } = useSession();
  const [progress, setProgress] = useState(null);
  const [error, setError] = useState(null);
  const send = async (fields, file, filename, source) => {
    setError(null);
    setProgress(0);
    try {
      const form = metadataForm({ ...metadataBody(me, fields), source });
      form.append('audio', file, filename);
      onCreated(await sendForm('/bulletins', form, { onProgress: setProgress }));
    } catch (err) {
      setError(err);
      setProgress(null);
    }
  };
  return { send, error, progress, busy: progress !== null };
}

export function UploadProgress({ upload }) {
  return html`<${ErrorNotice} error=${upload.error} />
    ${upload.busy && html`<${ProgressBar} testId="upload-progress" ratio=${upload.progress} label=${t('bulletins.upload.sending')} />`}`;
}

export function UploadForm({ fields, metadata, onCreated }) {
  const [file, setFile] = useState(null);
  const upload = useUpload(onCreated);
  const submit = (e) => {
    e.preventDefault();
    if (file) upload.send(fields, file, file.name, 'upload');
  };
  return html`<form class="stack" onSubmit=${submit} data-testid="upload-form">
    <${UploadProgress} upload=${upload} />
    ${metadata}
    <div class="field">
      <label for="bulletin-file">${t('bulletins.upload.file')}</label>
      <input id="bulletin-file" name="audio" type="file" accept="audio/*,video/*,.mp3,.m4a,.wav,.ogg,.opus,.webm,.aac,.flac,.amr" required
        aria-describedby="bulletin-file-hint" onChange=${(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
      <small id="bulletin-file-hint" class="hint">${t('bulletins.upload.fileHint')}</small>
    </div>
    <p class="actions"><button type="submit" class="primary" disabled=${upload.busy}>${t('bulletins.upload.submit')}</button></p>
  </form>`;
}
