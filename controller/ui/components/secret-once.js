// A cluster's secret and agent config, shown exactly once after provisioning or rotation (only
// a hash is stored). The reader can download the config for the cluster's agent.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';

export function SecretOnce({ result, onDone }) {
  const text = JSON.stringify(result.agentConfig, null, 2);
  const [url, setUrl] = useState(null);
  useEffect(() => {
    const blobUrl = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    setUrl(blobUrl);
    return () => URL.revokeObjectURL(blobUrl);
  }, [text]);
  return html`<div class="notice warn secret-once" role="alert" data-testid="secret-once">
    <p><strong>${t('secret.title')}</strong></p>
    <p>${t('secret.explain')}</p>
    <p>${t('secret.deviceId')}: <code>${result.agentConfig.deviceId}</code></p>
    <p>${t('secret.secret')}: <code class="secret">${result.secret}</code></p>
    <details><summary>${t('secret.config')}</summary><pre>${text}</pre></details>
    <p class="actions">
      ${url && html`<a class="button secondary" href=${url} download=${`loa-agent-${result.agentConfig.deviceId}.json`}>${t('secret.download')}</a>`}
      <button type="button" class="primary" onClick=${onDone}>${t('secret.done')}</button>
    </p>
  </div>`;
}
