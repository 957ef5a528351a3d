// The permission matrix: which role may do what. This file is the only place it is written;
// docs/security.md shows it (permissions.test.ts keeps them identical). Where an action is allowed,
// the scope rule still applies: the target must lie inside the caller's administrative area.
import type { Role } from '../db/schema/accounts.js';

export const ROLE_LEVEL: Readonly<Record<Role, 'province' | 'district' | 'commune' | 'any'>> = {
  province_admin: 'province',
  district_staff: 'district',
  commune_operator: 'commune',
  commune_approver: 'commune',
  viewer: 'any',
};

const ALL: readonly Role[] = ['province_admin', 'district_staff', 'commune_operator', 'commune_approver', 'viewer'];
const STAFF: readonly Role[] = ['province_admin', 'district_staff'];
const OPERATORS: readonly Role[] = ['province_admin', 'district_staff', 'commune_operator'];

export const PERMISSIONS = {
  'registry.read': ALL,
  'stations.edit': ['province_admin'],
  'devices.read': ALL,
  'devices.provision': STAFF,
  'devices.control': OPERATORS,
  'users.manage': ['province_admin'],
  'audit.read': STAFF,
  'tokens.own': ['province_admin', 'district_staff', 'commune_operator', 'commune_approver', 'viewer'],
  'bulletins.read': ALL,
  'bulletins.create': OPERATORS,
  // Who approves which bulletin also depends on the bulletin's level (commune bulletins need the
  // commune's approver; district and province bulletins need staff of that level): see bulletins.
  'bulletins.approve': ['province_admin', 'district_staff', 'commune_approver'],
  'schedules.read': ALL,
  'schedules.manage': OPERATORS,
  'emergency.send': STAFF,
  'broadcasts.confirm': ['commune_operator', 'commune_approver'],
  'reports.read': ALL,
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function roleAllows(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Read-only permissions: a refusal of these is not audited (reads are not control actions). */
export function isReadPermission(permission: Permission): boolean {
  return permission.endsWith('.read');
}

export const PERMISSION_LABELS: Readonly<Record<Permission, { vi: string; en: string }>> = {
  'registry.read': { vi: 'xem sổ đài', en: 'read the registry' },
  'stations.edit': { vi: 'sửa thông tin đài', en: 'edit stations' },
  'devices.read': { vi: 'xem cụm loa', en: 'read clusters' },
  'devices.provision': { vi: 'cấp cụm loa mới hoặc đổi khoá', en: 'provision clusters or rotate their secrets' },
  'devices.control': { vi: 'điều khiển cụm loa', en: 'control clusters' },
  'users.manage': { vi: 'quản lý tài khoản', en: 'manage accounts' },
  'audit.read': { vi: 'xem nhật ký kiểm toán', en: 'read the audit log' },
  'tokens.own': { vi: 'quản lý mã truy cập API', en: 'manage API tokens' },
  'bulletins.read': { vi: 'xem bản tin', en: 'read bulletins' },
  'bulletins.create': { vi: 'tạo bản tin', en: 'create bulletins' },
  'bulletins.approve': { vi: 'duyệt bản tin', en: 'approve bulletins' },
  'schedules.read': { vi: 'xem lịch phát', en: 'read schedules' },
  'schedules.manage': { vi: 'lập lịch phát', en: 'manage schedules' },
  'emergency.send': { vi: 'phát khẩn cấp', en: 'send emergency broadcasts' },
  'broadcasts.confirm': { vi: 'xác nhận buổi phát', en: 'confirm broadcasts' },
  'reports.read': { vi: 'xem báo cáo', en: 'read reports' },
};
