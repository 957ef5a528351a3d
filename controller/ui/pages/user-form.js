// Create or change an account. The scope list follows the role's level (a district officer is
// scoped to a district, a commune operator to a commune, a viewer to any unit).
import { useState } from 'preact/hooks';
import { SelectField, TextField } from '../components/form.js';
import { ErrorNotice } from '../components/page.js';
import { api } from '../lib/api.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { roleLevel, useSession } from '../lib/session.js';

const ROLES = ['province_admin', 'district_staff', 'commune_operator', 'commune_approver', 'viewer'];

function scopeOptions(units, role) {
  const level = roleLevel(role);
  return units.all
    .filter((u) => level === 'any' || u.level === level)
    .map((u) => ({ value: u.code, label: `${u.level === 'commune' ? '— ' : u.level === 'district' ? '· ' : ''}${u.name} (${u.code})` }));
}

export function UserForm({ user, onDone, onCancel }) {
  const { me, units } = useSession();
  const self = user?.id === me.id;
  const [form, setForm] = useState({
    username: user?.username ?? '',
    displayName: user?.displayName ?? '',
    password: '',
    role: user?.role ?? 'commune_operator',
    scopeCode: user?.scopeCode ?? '',
    active: user?.active ?? true,
  });
  const [error, setError] = useState(null);
  const set = (key) => (value) => setForm({ ...form, [key]: value });
  const options = scopeOptions(units, form.role);
  const scopeCode = options.some((o) => o.value === form.scopeCode) ? form.scopeCode : (options[0]?.value ?? '');

  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      if (user) {
        const body = { displayName: form.displayName };
        if (!self) Object.assign(body, { role: form.role, scopeCode, active: form.active });
        if (form.password) body.password = form.password;
        await api(`/users/${user.id}`, { method: 'PATCH', body });
      } else {
        await api('/users', { method: 'POST', body: { username: form.username, displayName: form.displayName, password: form.password, role: form.role, scopeCode } });
      }
      onDone();
    } catch (err) {
      setError(err);
    }
  };

  return html`<form class="stack" onSubmit=${submit}>
    <${ErrorNotice} error=${error} />
    ${!user && html`<${TextField} name="username" label=${t('users.username')} value=${form.username} onInput=${set('username')} required minLength="3" maxLength="64" autocomplete="off" autocapitalize="none" hint=${t('users.usernameHint')} />`}
    <${TextField} name="displayName" label=${t('users.displayName')} value=${form.displayName} onInput=${set('displayName')} required maxLength="100" />
    <${TextField} name="new-password" type="password" label=${user ? t('users.resetPassword') : t('users.password')} value=${form.password} onInput=${set('password')}
      required=${!user} autocomplete="new-password" hint=${t('users.passwordHint')} />
    ${self
      ? html`<p class="hint">${t('users.selfNote')}</p>`
      : html`<${SelectField} name="role" label=${t('users.role')} value=${form.role} onChange=${set('role')} options=${ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
        <${SelectField} name="scopeCode" label=${t('users.scope')} value=${scopeCode} onChange=${set('scopeCode')} options=${options} />
        ${user && html`<div class="field checkbox"><input id="active" type="checkbox" checked=${form.active} onChange=${(e) => set('active')(e.currentTarget.checked)} /><label for="active">${t('users.active')}</label></div>`}`}
    <p class="actions">
      <button type="submit" class="primary">${t('common.save')}</button>
      <button type="button" class="secondary" onClick=${onCancel}>${t('common.cancel')}</button>
    </p>
  </form>`;
}
