// A new bulletin from text: the configured voice reads it (espeak-ng offline by default), then it is
// processed like an upload. When the voice is not installed the API's message names the package.
import { useState } from 'preact/hooks';
import { SelectField } from '../components/form.js';
import { ErrorNotice } from '../components/page.js';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { useSession } from '../lib/session.js';
import { metadataBody } from './bulletin-fields.js';

const VOICES = ['', 'vi', 'vi-vn-x-central', 'vi-vn-x-south'];
const MAX_CHARS = 10_000;

export function TtsForm({ fields, metadata, onCreated }) {
  const { me } = useSession();
  const [text, setText] = useState('');
  const [voice, setVoice] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      onCreated(await api('/bulletins/tts', { method: 'POST', body: { ...metadataBody(me, fields), text, voice: voice || undefined } }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="stack" onSubmit=${submit} data-testid="tts-form">
    <${ErrorNotice} error=${error} />
    ${metadata}
    <div class="field">
      <label for="tts-text">${t('bulletins.tts.text')}</label>
      <textarea id="tts-text" name="text" rows="8" required maxLength=${MAX_CHARS} value=${text} onInput=${(e) => setText(e.currentTarget.value)} aria-describedby="tts-text-hint"></textarea>
      <small id="tts-text-hint" class="hint">${t('bulletins.tts.textHint', { n: text.length, max: MAX_CHARS })}</small>
    </div>
    <${SelectField} name="voice" label=${t('bulletins.tts.voice')} value=${voice} onChange=${setVoice}
      options=${VOICES.map((v) => ({ value: v, label: v ? t(`bulletins.tts.voice.${v.replace(/-/g, '_')}`) : t('bulletins.tts.voiceDefault') }))} />
    <p class="actions">
      <button type="submit" class="primary" disabled=${busy || !text.trim()}>${busy ? t('bulletins.tts.busy') : t('bulletins.tts.submit')}</button>
    </p>
  </form>`;
}
