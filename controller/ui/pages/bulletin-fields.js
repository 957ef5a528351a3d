// The metadata every new bulletin carries, whatever its audio comes from: title, language,
// category, priority class (emergency only for those who may send emergencies), owner unit (it
// decides who approves) and notes.
import { SelectField, TextField } from '../components/form.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { can, levelOfCode, useSession } from '../lib/session.js';
import { LANGUAGES, PRIORITY_CLASSES } from './bulletin-parts.js';

export function initialFields(me) {
  return { title: '', language: 'vi', category: '', priorityClass: 'normal', notes: '', ownerAreaCode: me.scopeCode };
}

/** My own unit first, then the units inside it that may own a bulletin of mine. */
function ownerOptions(me, units) {
  const level = levelOfCode(me.scopeCode);
  const inside = level === 'province' ? units.all.filter((u) => u.code !== me.scopeCode) : level === 'district' ? units.communesOf(me.scopeCode) : [];
  return [
    { value: me.scopeCode, label: t('bulletins.ownerMine', { name: units.name(me.scopeCode) }) },
    ...inside.map((u) => ({ value: u.code, label: `${u.level === 'commune' ? '— ' : ''}${u.name}` })),
  ];
}

/** `withOwner`: the owner can be chosen only when the bulletin is made. */
export function MetadataFields({ fields, onChange, withOwner = true }) {
  const { me, units } = useSession();
  const set = (key) => (value) => onChange({ ...fields, [key]: value });
  const classes = PRIORITY_CLASSES.filter((c) => c !== 'emergency' || can(me, 'emergency.send'));
  const owners = ownerOptions(me, units);
  return html`<${TextField} name="title" label=${t('bulletins.field.title')} value=${fields.title} onInput=${set('title')} required maxLength="200" />
    <div class="field-row">
      <${SelectField} name="language" label=${t('bulletins.field.language')} value=${fields.language} onChange=${set('language')}
        options=${LANGUAGES.map((l) => ({ value: l, label: t(`bulletins.lang.${l}`) }))} />
      <${SelectField} name="priorityClass" label=${t('bulletins.field.priorityClass')} value=${fields.priorityClass} onChange=${set('priorityClass')}
        options=${classes.map((c) => ({ value: c, label: t(`priority.${c}`) }))} />
    </div>
    <${TextField} name="category" label=${t('bulletins.field.category')} value=${fields.category} onInput=${set('category')} maxLength="100" hint=${t('bulletins.categoryHint')} />
    ${withOwner && owners.length > 1 && html`<${SelectField} name="ownerAreaCode" label=${t('bulletins.field.owner')} value=${fields.ownerAreaCode} onChange=${set('ownerAreaCode')} options=${owners} />`}
    <div class="field">
      <label for="bulletin-notes">${t('bulletins.field.notes')}</label>
      <textarea id="bulletin-notes" name="notes" rows="2" maxLength="2000" value=${fields.notes} onInput=${(e) => set('notes')(e.currentTarget.value)}></textarea>
    </div>`;
}

/** The fields as the API takes them (the owner only when it is not my own unit). */
export function metadataBody(me, fields) {
  return {
    title: fields.title.trim(),
    language: fields.language,
    category: fields.category.trim() || undefined,
    priorityClass: fields.priorityClass,
    notes: fields.notes.trim() || undefined,
    ownerAreaCode: fields.ownerAreaCode && fields.ownerAreaCode !== me.scopeCode ? fields.ownerAreaCode : undefined,
  };
}
