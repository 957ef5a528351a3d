// Sending an emergency broadcast: areas within scope, an approved bulletin or a relay stream,
// then a deliberate confirmation step — the areas and what will play spelled out, and a box to
// tick saying every loudspeaker there will be interrupted — before anything is sent.
import { useEffect, useRef, useState } from 'preact/hooks';
import { TextField } from '../components/form.js';
import { ErrorNotice } from '../components/page.js';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { navigate } from '../lib/router.js';
import { useSession } from '../lib/session.js';
import { AreaPicker } from './area-picker.js';
import { BulletinSelect, bulletinLabel, useApprovedBulletins } from './bulletin-select.js';

function SourceChoice({ form, set, bulletins }) {
  return html`<fieldset>
    <legend>${t('emergency.source')}</legend>
    <div class="choice-row" role="radiogroup">
      <label><input type="radio" name="em-source" checked=${form.kind === 'bulletin'} onChange=${() => set('kind')('bulletin')} />${t('emergency.sourceBulletin')}</label>
      <label><input type="radio" name="em-source" checked=${form.kind === 'stream'} onChange=${() => set('kind')('stream')} />${t('emergency.sourceStream')}</label>
    </div>
    ${form.kind === 'bulletin'
      ? html`<${BulletinSelect} id="em-bulletin" label=${t('emergency.bulletin')} value=${form.bulletinId} onChange=${set('bulletinId')} bulletins=${bulletins} />`
      : html`<${TextField} id="em-stream" type="url" label=${t('emergency.streamUrl')} value=${form.url} onInput=${set('url')} placeholder="https://" hint=${t('emergency.streamHint')} />
          <${TextField} id="em-minutes" type="number" min="1" max="1440" label=${t('emergency.minutes')} value=${form.minutes} onInput=${set('minutes')} />`}
  </fieldset>`;
}

export function EmergencyForm() {
  const { units } = useSession();
  const bulletins = useApprovedBulletins();
  const [form, setForm] = useState({ title: '', areaCodes: [], kind: 'bulletin', bulletinId: null, url: '', minutes: '30', volume: '' });
  const [step, setStep] = useState('edit');
  const [understood, setUnderstood] = useState(false);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (key) => (value) => setForm((f) => ({ ...f, [key]: value }));
  const checkbox = useRef(null);
  // Keyboard and screen-reader users land on the confirmation, not behind it.
  useEffect(() => {
    if (step === 'confirm') checkbox.current?.focus();
  }, [step]);
  const bulletin = bulletins.find((b) => b.id === form.bulletinId);
  const sourceReady = form.kind === 'bulletin' ? !!bulletin : /^https?:\/\/.+/i.test(form.url) && Number(form.minutes) >= 1;
  const ready = form.title.trim() && form.areaCodes.length > 0 && sourceReady;
  const areaNames = form.areaCodes.map((c) => units.name(c)).join(', ');

  const review = (e) => {
    e.preventDefault();
    setError(null);
    setUnderstood(false);
    if (ready) setStep('confirm');
  };
  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      const body = { title: form.title.trim(), areaCodes: form.areaCodes };
      if (form.kind === 'bulletin') body.bulletinId = form.bulletinId;
      else body.stream = { url: form.url.trim(), durationMs: Math.round(Number(form.minutes) * 60_000) };
      if (form.volume !== '') body.volume = Number(form.volume);
      const sent = await api('/emergencies', { method: 'POST', body });
      navigate(`/emergency/${encodeURIComponent(sent.id)}`);
    } catch (err) {
      setError(err);
      setStep('edit');
    } finally {
      setBusy(false);
    }
  };

  if (step === 'confirm') {
    return html`<div class="confirm-box" role="alertdialog" aria-labelledby="em-confirm-title" aria-describedby="em-confirm-text" data-testid="emergency-confirm">
      <h3 id="em-confirm-title">${t('emergency.confirmTitle')}</h3>
      <p id="em-confirm-text">${t('emergency.confirmText', { areas: areaNames, what: form.kind === 'bulletin' ? bulletinLabel(bulletin) : form.url })}</p>
      <div class="field checkbox"><input id="em-understood" ref=${checkbox} type="checkbox" checked=${understood} onChange=${(e) => setUnderstood(e.currentTarget.checked)} /><label for="em-understood">${t('emergency.understood', { areas: areaNames })}</label></div>
      <p class="actions">
        <button type="button" class="danger solid" disabled=${!understood || busy} onClick=${send}>${t('emergency.sendNow')}</button>
        <button type="button" class="secondary" onClick=${() => setStep('edit')}>${t('emergency.back')}</button>
      </p>
    </div>`;
  }
  return html`<form class="stack form-wide" onSubmit=${review}>
    <${ErrorNotice} error=${error} />
    <${TextField} id="em-title" label=${t('emergency.titleField')} value=${form.title} onInput=${set('title')} required maxLength="200" hint=${t('emergency.titleHint')} />
    <${AreaPicker} id="em-area" label=${t('emergency.areas')} value=${form.areaCodes} onChange=${set('areaCodes')} />
    <${SourceChoice} form=${form} set=${set} bulletins=${bulletins} />
    <${TextField} id="em-volume" type="number" min="0" max="100" label=${t('emergency.volume')} value=${form.volume} onInput=${set('volume')} hint=${t('emergency.volumeHint')} />
    <p class="actions"><button type="submit" class="danger" disabled=${!ready}>${t('emergency.review')}</button></p>
  </form>`;
}
