// The permission matrix as a Markdown table, for docs/security.md (kept identical by a test).
import { ROLES } from '../db/schema/accounts.js';
import { PERMISSION_LABELS, PERMISSIONS, type Permission, roleAllows } from './permissions.js';

export function permissionTableMarkdown(): string {
  const header = `| permission | ${ROLES.join(' | ')} |`;
  const rule = `|---|${ROLES.map(() => ':-:').join('|')}|`;
  const rows = (Object.keys(PERMISSIONS) as Permission[]).map(
    (p) => `| \`${p}\` — ${PERMISSION_LABELS[p].en} | ${ROLES.map((r) => (roleAllows(r, p) ? '✔' : '')).join(' | ')} |`,
  );
  return [header, rule, ...rows].join('\n');
}
