// A new bulletin: from a file, from the microphone, or from text. The metadata stays as typed when
// switching between the three; once the API has taken it, its page follows the processing live.
import { useState } from 'preact/hooks';
import { PageHeader } from '../components/page.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { navigate } from '../lib/router.js';
import { useSession } from '../lib/session.js';
import { initialFields, MetadataFields } from './bulletin-fields.js';
import { RecordForm } from './bulletin-record.js';
import { TtsForm } from './bulletin-tts.js';
import { UploadForm } from './bulletin-upload.js';

const MODES = { upload: UploadForm, record: RecordForm, tts: TtsForm };

export default function NewBulletin({ query }) {
  const { me } = useSession();
  const mode = query.mode in MODES ? query.mode : 'upload';
  const [fields, setFields] = useState(() => initialFields(me));
  const Form = MODES[mode];
  const onCreated = (bulletin) => navigate(`/bulletins/${bulletin.id}`);
  return html`<${PageHeader} title=${t('bulletins.new')} subtitle=${t('bulletins.newSubtitle')} />
    <nav class="tabs" aria-label=${t('bulletins.modes')}>
      ${Object.keys(MODES).map(
        (m) => html`<a key=${m} href=${`#/bulletins/new?mode=${m}`} aria-current=${m === mode ? 'page' : undefined}>${t(`bulletins.mode.${m}`)}</a>`,
      )}
    </nav>
    <section class="card">
      <${Form} key=${mode} fields=${fields} onCreated=${onCreated} metadata=${html`<${MetadataFields} fields=${fields} onChange=${setFields} />`} />
    </section>`;
}
