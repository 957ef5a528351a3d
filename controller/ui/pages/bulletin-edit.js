// Changing a draft or a rejected bulletin (what was submitted is what gets approved, so nothing
// else can change): its metadata, or new audio (uploaded with a progress bar, then processed again).
// Editing a rejected bulletin takes it back to draft, to be submitted again.
import { useState } from 'preact/hooks';
import { ErrorNotice } from '../components/page.js';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { MetadataFields } from './bulletin-fields.js';
import { ProgressBar } from './bulletin-parts.js';
import { sendForm } from './bulletin-send.js';

function ReplaceAudio({ bulletin, onChanged }) {
  const [file, setFile] = useState(null);
  const [progress, setProgress] = useState(null);
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    if (!file) return;
    setError(null);
    setProgress(0);
    try {
      const form = new FormData();
      form.append('audio', file, file.name);
      onChanged(await sendForm(`/bulletins/${bulletin.id}/audio`, form, { method: 'PUT', onProgress: setProgress }));
    } catch (err) {
      setError(err);
    } finally {
      setProgress(null);
    }
  };
  return html`<form class="stack" onSubmit=${submit} data-testid="replace-audio">
    <${ErrorNotice} error=${error} />
    ${progress !== null && html`<${ProgressBar} ratio=${progress} label=${t('bulletins.upload.sending')} />`}
    <div class="field">
      <label for="replace-file">${t('bulletins.edit.newAudio')}</label>
      <input id="replace-file" name="audio" type="file" accept="audio/*,video/*,.mp3,.m4a,.wav,.ogg,.opus,.webm,.aac,.flac,.amr" required
        onChange=${(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
    </div>
    <p class="actions"><button type="submit" class="secondary" disabled=${progress !== null}>${t('bulletins.edit.replace')}</button></p>
  </form>`;
}

export function BulletinEdit({ bulletin, onChanged, onClose }) {
  const [fields, setFields] = useState({
    title: bulletin.title,
    language: bulletin.language,
    category: bulletin.category ?? '',
    priorityClass: bulletin.priorityClass,
    notes: bulletin.notes ?? '',
  });
  const [error, setError] = useState(null);
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const body = { title: fields.title.trim(), language: fields.language, category: fields.category.trim() || null, priorityClass: fields.priorityClass, notes: fields.notes.trim() || null };
      onChanged(await api(`/bulletins/${bulletin.id}`, { method: 'PATCH', body }));
      onClose();
    } catch (err) {
      setError(err);
    }
  };
  return html`${bulletin.status === 'rejected' && html`<p class="notice warn">${t('bulletins.edit.reopens')}</p>`}
    <form class="stack" onSubmit=${save} data-testid="edit-form">
      <${ErrorNotice} error=${error} />
      <${MetadataFields} fields=${fields} onChange=${setFields} withOwner=${false} />
      <p class="actions">
        <button type="submit" class="primary">${t('common.save')}</button>
        <button type="button" class="secondary" onClick=${onClose}>${t('common.cancel')}</button>
      </p>
    </form>
    <${ReplaceAudio} bulletin=${bulletin} onChanged=${onChanged} />`;
}
