// Writes the append-only audit log: who, when, from which address, what, on which target,
// outcome. Every control action goes through `record`; nothing ever updates or deletes a row
// (the database refuses it, see migrations/0001_protect_audit_log.sql).
import type { Logger } from '../../platform/logger.js';
import type { LoaDatabase } from '../db/client.js';
import { type AuditOutcome, auditLog } from '../db/schema/audit.js';

export interface AuditActor {
  type: 'user' | 'token' | 'device' | 'system' | 'anonymous';
  id?: string | number | null;
  name?: string | null;
}

export interface AuditEntry {
  actor: AuditActor;
  ip?: string | null;
  action: string;
  target?: { type: string; id?: string | number | null; areaCode?: string | null };
  outcome: AuditOutcome;
  detail?: Record<string, unknown>;
}

export class AuditService {
  constructor(
    private readonly database: LoaDatabase,
    private readonly logger: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  record(entry: AuditEntry): void {
    try {
      this.database.db
        .insert(auditLog)
        .values({
          at: this.clock(),
          actorType: entry.actor.type,
          actorId: entry.actor.id == null ? null : String(entry.actor.id),
          actorName: entry.actor.name ?? null,
          ip: entry.ip ?? null,
          action: entry.action,
          targetType: entry.target?.type ?? null,
          targetId: entry.target?.id == null ? null : String(entry.target.id),
          areaCode: entry.target?.areaCode ?? null,
          outcome: entry.outcome,
          detail: entry.detail ?? null,
        })
        .run();
    } catch (err) {
      // An audit write that fails must be loud: it is a compliance gap, not a detail.
      this.logger.error({ err, action: entry.action }, 'audit write failed');
      throw err;
    }
  }
}
