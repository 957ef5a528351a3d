// Who is signed in and what they may do. The permission matrix comes from the controller's own
// table (config.js is generated from controller/access/permissions.ts); hiding an action here is
// a courtesy — the API decides, and its refusal is shown when it comes.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { PERMISSIONS, ROLE_LEVEL } from '../config.js';

export const SessionContext = createContext(null);

export function useSession() {
  return useContext(SessionContext);
}

export function can(me, permission) {
  return !!me && (PERMISSIONS[permission] ?? []).includes(me.role);
}

/** province | district | commune, from the length of a GSO code. */
export function levelOfCode(code) {
  if (!code) return null;
  return code.length <= 2 ? 'province' : code.length === 3 ? 'district' : 'commune';
}

export function roleLevel(role) {
  return ROLE_LEVEL[role];
}

/** Lookups over the administrative units the reader may see (GET /admin-units). */
export function unitIndex(units) {
  const byCode = new Map(units.map((u) => [u.code, u]));
  return {
    all: units,
    get: (code) => byCode.get(code),
    name: (code) => byCode.get(code)?.name ?? code ?? '',
    districts: units.filter((u) => u.level === 'district'),
    communesOf: (districtCode) => units.filter((u) => u.level === 'commune' && (!districtCode || u.parentCode === districtCode)),
  };
}
