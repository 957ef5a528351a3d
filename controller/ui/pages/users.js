// Accounts in my area (province admin): who has which role where, when they last signed in;
// create an account or change one. Nobody changes their own role, scope or active flag (the API
// refuses it, and the form does not offer it).
import { useState } from 'preact/hooks';
import { Async, PageHeader } from '../components/page.js';
import { fmtDateTime } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { useSession } from '../lib/session.js';
import { UserForm } from './user-form.js';

function UserTable({ users, onEdit }) {
  const { units } = useSession();
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t('users.title')}>
    <table class="data" data-testid="users-table">
      <thead><tr>
        <th scope="col">${t('users.username')}</th><th scope="col">${t('users.displayName')}</th><th scope="col">${t('users.role')}</th>
        <th scope="col">${t('users.scope')}</th><th scope="col">${t('users.active')}</th><th scope="col">${t('users.lastLogin')}</th><th scope="col"><span class="sr-only">${t('common.actions')}</span></th>
      </tr></thead>
      <tbody>
        ${users.map(
          (u) => html`<tr key=${u.id} data-user=${u.username}>
            <th scope="row">${u.username}</th>
            <td>${u.displayName}</td>
            <td>${t(`role.${u.role}`)}</td>
            <td>${units.name(u.scopeCode)}</td>
            <td>${u.active ? html`<span class="badge ok">${t('users.isActive')}</span>` : html`<span class="badge muted">${t('users.isDisabled')}</span>`}</td>
            <td>${fmtDateTime(u.lastLoginAt)}</td>
            <td><button type="button" class="secondary small" onClick=${() => onEdit(u)} aria-label=${t('users.editNamed', { name: u.username })}>${t('common.edit')}</button></td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export default function Users() {
  const state = useApi('/users');
  // null: no form; {}: a new account; a user: editing that account.
  const [editing, setEditing] = useState(null);
  const done = () => {
    setEditing(null);
    state.reload();
  };
  return html`<${PageHeader} title=${t('users.title')} subtitle=${t('users.subtitle')}>
      <button type="button" class="primary" onClick=${() => setEditing({})}>${t('users.create')}</button>
    </${PageHeader}>
    ${editing && html`<section class="card" aria-labelledby="user-form-title">
      <h2 id="user-form-title">${editing.id ? t('users.editNamed', { name: editing.username }) : t('users.create')}</h2>
      <${UserForm} key=${editing.id ?? 'new'} user=${editing.id ? editing : null} onDone=${done} onCancel=${() => setEditing(null)} />
    </section>`}
    <${Async} state=${state}>${(users) => html`<${UserTable} users=${users} onEdit=${setEditing} />`}</${Async}>`;
}
