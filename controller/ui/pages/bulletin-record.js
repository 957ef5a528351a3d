// A new bulletin recorded from the browser's microphone (MediaRecorder, webm/Opus where the browser
// has it), listened to, then sent like any upload. Says plainly when the browser has no microphone,
// the permission was refused, or the page is not on HTTPS (browsers only open microphones there).
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { fmtClock } from './bulletin-parts.js';
import { UploadProgress, useUpload } from './bulletin-upload.js';

const TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm', 'audio/mp4'];

function microphoneProblem() {
  if (!window.isSecureContext) return 'insecure';
  if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === 'undefined') return 'unsupported';
  return null;
}

function problemOf(err) {
  if (err?.name === 'NotAllowedError' || err?.name === 'SecurityError') return 'denied';
  if (err?.name === 'NotFoundError' || err?.name === 'OverconstrainedError') return 'none';
  if (err?.name === 'NotReadableError') return 'busy';
  return 'failed';
}

function extensionOf(type) {
  return type.includes('ogg') ? 'ogg' : type.includes('mp4') ? 'm4a' : 'webm';
}

export function RecordForm({ fields, metadata, onCreated }) {
  const [problem, setProblem] = useState(microphoneProblem);
  const [phase, setPhase] = useState('idle'); // idle | asking | recording | recorded
  const [elapsed, setElapsed] = useState(0);
  const [take, setTake] = useState(null); // { blob, url, type }
  const live = useRef({ recorder: null, stream: null, timer: null });
  const upload = useUpload(onCreated);

  const release = () => {
    clearInterval(live.current.timer);
    for (const track of live.current.stream?.getTracks() ?? []) track.stop();
    live.current = { recorder: null, stream: null, timer: null };
  };
  useEffect(() => release, []);
  useEffect(() => () => take && URL.revokeObjectURL(take.url), [take]);

  const start = async () => {
    setProblem(null);
    setPhase('asking');
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
    } catch (err) {
      setProblem(problemOf(err));
      setPhase('idle');
      return;
    }
    const type = TYPES.find((x) => MediaRecorder.isTypeSupported(x));
    const recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
    const chunks = [];
    recorder.ondataavailable = (e) => e.data.size > 0 && chunks.push(e.data);
    recorder.onstop = () => {
      const blobType = recorder.mimeType || type || 'audio/webm';
      release();
      const blob = new Blob(chunks, { type: blobType });
      setTake({ blob, url: URL.createObjectURL(blob), type: blobType });
      setPhase('recorded');
    };
    const began = Date.now();
    setElapsed(0);
    live.current = { recorder, stream, timer: setInterval(() => setElapsed(Date.now() - began), 500) };
    recorder.start(1000);
    setPhase('recording');
  };
  const stop = () => live.current.recorder?.state === 'recording' && live.current.recorder.stop();
  const again = () => {
    setTake(null);
    setPhase('idle');
  };
  const submit = (e) => {
    e.preventDefault();
    if (take) upload.send(fields, take.blob, `recording.${extensionOf(take.type)}`, 'recording');
  };

  return html`<form class="stack" onSubmit=${submit} data-testid="record-form">
    <${UploadProgress} upload=${upload} />
    ${metadata}
    <div class="recorder card">
      <p class="sr-only" role="status">${phase === 'recording' ? t('bulletins.record.started') : phase === 'recorded' ? t('bulletins.record.stopped') : ''}</p>
      ${problem && html`<div class="notice warn" role="alert" data-testid="microphone-problem"><p>${t(`bulletins.record.${problem}`)}</p></div>`}
      ${phase === 'recording' && html`<p class="recording" aria-hidden="true"><span class="rec-dot"></span>${t('bulletins.record.recording', { time: fmtClock(elapsed) })}</p>`}
      ${phase === 'recorded' && take && html`<audio controls src=${take.url} aria-label=${t('bulletins.record.listen')}></audio>`}
      <p class="actions">
        ${phase === 'idle' || phase === 'asking'
          ? html`<button type="button" class="secondary" onClick=${start} disabled=${phase === 'asking' || problem === 'insecure' || problem === 'unsupported'}>${t('bulletins.record.start')}</button>`
          : phase === 'recording'
            ? html`<button type="button" class="danger" onClick=${stop}>${t('bulletins.record.stop')}</button>`
            : html`<button type="button" class="secondary" onClick=${again}>${t('bulletins.record.again')}</button>`}
      </p>
    </div>
    <p class="actions"><button type="submit" class="primary" disabled=${!take || upload.busy}>${t('bulletins.record.submit')}</button></p>
  </form>`;
}
