// The append-only audit log. UPDATE and DELETE are refused by triggers in the migration
// `0001_protect_audit_log.sql`, so not even a bug in the controller can rewrite history.
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const ACTOR_TYPES = ['user', 'token', 'device', 'system', 'anonymous'] as const;
export const AUDIT_OUTCOMES = ['ok', 'denied', 'failed'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actorType: text('actor_type', { enum: ACTOR_TYPES }).notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name'),
    ip: text('ip'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    /** Administrative unit the target belongs to; reads are scoped by it. */
    areaCode: text('area_code'),
    outcome: text('outcome', { enum: AUDIT_OUTCOMES }).notNull(),
    detail: text('detail', { mode: 'json' }),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_area_idx').on(t.areaCode, t.at)],
);
