// Queries for bulletins and their approval history. No rules here: see bulletins.service.ts.
import { and, asc, count, desc, eq, or, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { unitWithin } from '../access/scope-sql.js';
import type { LoaDatabase } from '../db/client.js';
import { users } from '../db/schema/accounts.js';
import { type BulletinStatus, bulletins, bulletinTransitions, mediaAssets, mediaOriginals } from '../db/schema/media.js';
import { adminUnits } from '../db/schema/registry.js';
import type { AdminUnitIndex } from '../registry/admin-units.js';
import { usableBy } from './usable.js';

export type BulletinRow = typeof bulletins.$inferSelect;
export type NewBulletin = typeof bulletins.$inferInsert;

export interface BulletinFilter {
  scopeCode: string;
  areaCode?: string;
  status?: BulletinStatus;
  priorityClass?: BulletinRow['priorityClass'];
  source?: BulletinRow['source'];
  language?: BulletinRow['language'];
  /** Part of the category, any case (categories are free text). */
  category?: string;
  q?: string;
  /** Only bulletins owned by exactly this unit (the approval queue of its approver). */
  ownerExactly?: string;
  /** Instead of `scopeCode`: approved bulletins with a delivery file that this unit may put on air (usable.ts). */
  usableBy?: { scopeCode: string; excludeIds: number[] };
  limit: number;
  offset: number;
}

const detailColumns = {
  bulletin: bulletins,
  ownerAreaName: adminUnits.name,
  ownerLevel: adminUnits.level,
  createdByName: users.displayName,
  asset: mediaAssets,
  original: mediaOriginals,
};

export type BulletinDetailRow = {
  bulletin: BulletinRow;
  ownerAreaName: string;
  ownerLevel: 'province' | 'district' | 'commune';
  createdByName: string | null;
  asset: typeof mediaAssets.$inferSelect | null;
  original: typeof mediaOriginals.$inferSelect | null;
};

/** `column` contains `text` (ASCII letters in any case); % and _ in the text are taken literally. */
function contains(column: SQLiteColumn, text: string): SQL {
  const pattern = `%${text.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
  // SQLite has no default escape character for LIKE: it must be named.
  return sql`${column} LIKE ${pattern} ESCAPE '\\'`;
}

export class BulletinsRepo {
  constructor(
    private readonly database: LoaDatabase,
    private readonly units: AdminUnitIndex,
  ) {}

  private get db() {
    return this.database.db;
  }

  private detailQuery() {
    return this.db
      .select(detailColumns)
      .from(bulletins)
      .innerJoin(adminUnits, eq(adminUnits.code, bulletins.ownerAreaCode))
      .leftJoin(users, eq(users.id, bulletins.createdBy))
      .leftJoin(mediaAssets, eq(mediaAssets.sha256, bulletins.assetSha256))
      .leftJoin(mediaOriginals, eq(mediaOriginals.sha256, bulletins.originalSha256));
  }

  insert(values: NewBulletin): BulletinRow {
    return this.db.insert(bulletins).values(values).returning().get();
  }

  get(id: number): BulletinRow | undefined {
    return this.db.select().from(bulletins).where(eq(bulletins.id, id)).get();
  }

  detail(id: number): BulletinDetailRow | undefined {
    return this.detailQuery().where(eq(bulletins.id, id)).get();
  }

  list(filter: BulletinFilter): { rows: BulletinDetailRow[]; total: number } {
    const conditions: SQL[] = [filter.usableBy ? usableBy(this.units, filter.usableBy.scopeCode, filter.usableBy.excludeIds) : unitWithin(this.units, filter.scopeCode)];
    if (filter.areaCode) conditions.push(unitWithin(this.units, filter.areaCode));
    if (filter.ownerExactly) conditions.push(eq(bulletins.ownerAreaCode, filter.ownerExactly));
    if (filter.status) conditions.push(eq(bulletins.status, filter.status));
    if (filter.priorityClass) conditions.push(eq(bulletins.priorityClass, filter.priorityClass));
    if (filter.source) conditions.push(eq(bulletins.source, filter.source));
    if (filter.language) conditions.push(eq(bulletins.language, filter.language));
    if (filter.category) conditions.push(contains(bulletins.category, filter.category));
    if (filter.q) conditions.push(or(contains(bulletins.title, filter.q), contains(bulletins.category, filter.q), contains(bulletins.notes, filter.q))!);
    const where = and(...conditions);
    const rows = this.detailQuery().where(where).orderBy(desc(bulletins.updatedAt), desc(bulletins.id)).limit(filter.limit).offset(filter.offset).all();
    const total = this.db.select({ n: count() }).from(bulletins).innerJoin(adminUnits, eq(adminUnits.code, bulletins.ownerAreaCode)).where(where).get()?.n ?? 0;
    return { rows, total };
  }

  update(id: number, patch: Partial<NewBulletin>): void {
    this.db.update(bulletins).set(patch).where(eq(bulletins.id, id)).run();
  }

  /** Moves a bulletin from `from` to `to` only if it is still in `from` (two approvers at once: one wins). */
  transition(id: number, from: BulletinStatus | null, to: BulletinStatus, actorId: number | null, reason: string | null, now: number): boolean {
    if (from !== null) {
      const changed = this.db
        .update(bulletins)
        .set({ status: to, updatedAt: now })
        .where(and(eq(bulletins.id, id), eq(bulletins.status, from)))
        .run().changes;
      if (changed === 0) return false;
    }
    this.db.insert(bulletinTransitions).values({ bulletinId: id, fromStatus: from, toStatus: to, actorId, reason, at: now }).run();
    return true;
  }

  transitions(id: number) {
    return this.db
      .select({
        id: bulletinTransitions.id,
        fromStatus: bulletinTransitions.fromStatus,
        toStatus: bulletinTransitions.toStatus,
        actorId: bulletinTransitions.actorId,
        actorName: users.displayName,
        reason: bulletinTransitions.reason,
        at: bulletinTransitions.at,
      })
      .from(bulletinTransitions)
      .leftJoin(users, eq(users.id, bulletinTransitions.actorId))
      .where(eq(bulletinTransitions.bulletinId, id))
      .orderBy(asc(bulletinTransitions.at), asc(bulletinTransitions.id))
      .all();
  }

  /** Owner units of the bulletins whose delivery file or original is this hash. */
  ownersOfMedia(sha256: string): string[] {
    return this.db
      .selectDistinct({ code: bulletins.ownerAreaCode })
      .from(bulletins)
      .where(or(eq(bulletins.assetSha256, sha256), eq(bulletins.originalSha256, sha256)))
      .all()
      .map((r) => r.code);
  }

  transaction<T>(fn: () => T): T {
    return this.database.sqlite.transaction(fn)();
  }
}
