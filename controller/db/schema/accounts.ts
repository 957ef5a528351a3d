// Staff accounts, their sessions and API tokens. Secrets are stored only as hashes.
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { adminUnits } from './registry.js';

export const ROLES = ['province_admin', 'district_staff', 'commune_operator', 'commune_approver', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** Stored lower-case; logins are case-insensitive. */
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: ROLES }).notNull(),
  scopeCode: text('scope_code')
    .notNull()
    .references(() => adminUnits.code),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  lastLoginAt: integer('last_login_at'),
  passwordChangedAt: integer('password_changed_at').notNull(),
});

export const sessions = sqliteTable(
  'sessions',
  {
    /** sha256 of the cookie value: a stolen database does not yield live sessions. */
    idHash: text('id_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** A token acts with this role and scope, never more than its owner's. */
    role: text('role', { enum: ROLES }).notNull(),
    scopeCode: text('scope_code')
      .notNull()
      .references(() => adminUnits.code),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    expiresAt: integer('expires_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);
