// Staff actions on a cluster: rename, disable (it can no longer connect) or enable, and a new
// secret (the old one stops working at once; the new one is shown once). Each is audited by the API.
import { useState } from 'preact/hooks';
import { TextField } from '../components/form.js';
import { ErrorNotice, SuccessNotice } from '../components/page.js';
import { SecretOnce } from '../components/secret-once.js';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';

export function DeviceAdmin({ device, onChanged }) {
  const [name, setName] = useState(device.name);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState('');
  const [rotated, setRotated] = useState(null);
  const run = async (action, message) => {
    setError(null);
    setSaved('');
    try {
      await action();
      setSaved(message);
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  const patch = (body, message) => run(() => api(`/devices/${encodeURIComponent(device.id)}`, { method: 'PATCH', body }), message);
  const rotate = () => {
    if (!window.confirm(t('device.rotateConfirm', { name: device.name }))) return;
    run(async () => setRotated(await api(`/devices/${encodeURIComponent(device.id)}/rotate-secret`, { method: 'POST' })), t('device.rotated'));
  };
  if (rotated) return html`<${SecretOnce} result=${rotated} onDone=${() => setRotated(null)} />`;
  return html`<${ErrorNotice} error=${error} />
    <${SuccessNotice} message=${saved} />
    <form class="inline-form" onSubmit=${(e) => { e.preventDefault(); patch({ name }, t('common.saved')); }}>
      <${TextField} name="device-name" label=${t('devices.name')} value=${name} onInput=${setName} required maxLength="100" />
      <button type="submit" class="primary">${t('device.rename')}</button>
    </form>
    <p class="actions">
      <button type="button" class="secondary" onClick=${() => patch({ disabled: !device.disabled }, device.disabled ? t('device.enabled') : t('device.disabledDone'))}>
        ${device.disabled ? t('device.enable') : t('device.disable')}
      </button>
      <button type="button" class="danger" onClick=${rotate}>${t('device.rotate')}</button>
    </p>`;
}
