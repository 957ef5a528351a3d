// District and commune pickers limited to the reader's area: a province sees both, a district
// its communes, a commune nothing to pick. `area` is the most specific code chosen.
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { levelOfCode, useSession } from '../lib/session.js';
import { SelectField } from './form.js';

export function areaOf(query) {
  return query.commune || query.district || '';
}

export function AreaFilter({ query, onChange, withCommune = true }) {
  const { me, units } = useSession();
  const level = levelOfCode(me.scopeCode);
  if (level === 'commune') return null;
  const district = level === 'district' ? me.scopeCode : query.district ?? '';
  const communes = district ? units.communesOf(district) : [];
  return html`
    ${level === 'province' &&
    html`<${SelectField} name="district" label=${t('common.district')} value=${query.district ?? ''}
      onChange=${(v) => onChange({ district: v, commune: '' })}
      options=${[{ value: '', label: t('common.allDistricts') }, ...units.districts.map((d) => ({ value: d.code, label: d.name }))]} />`}
    ${withCommune &&
    communes.length > 0 &&
    html`<${SelectField} name="commune" label=${t('common.commune')} value=${query.commune ?? ''}
      onChange=${(v) => onChange({ commune: v })}
      options=${[{ value: '', label: t('common.allCommunes') }, ...communes.map((c) => ({ value: c.code, label: c.name }))]} />`}`;
}
