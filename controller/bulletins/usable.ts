// Which bulletins a unit may put on air, as one SQL condition, so a picker offers exactly what
// scheduling, emergencies and "play now" accept (schedules.routes.ts, emergency.routes.ts,
// commands.routes.ts, and getPlayableBulletin): approved, with a delivery file, and owned by the
// unit itself, a unit inside it, or a unit above it (a district's programme for its communes, the
// province's for all). A unit beside it — another commune, another district — is never offered.
import { existsSync } from 'node:fs';
import { and, eq, inArray, isNull, notInArray, or, type SQL, sql } from 'drizzle-orm';
import { unitWithin } from '../access/scope-sql.js';
import type { ControllerContext } from '../context.js';
import { bulletins, mediaAssets } from '../db/schema/media.js';
import { adminUnits } from '../db/schema/registry.js';
import { deliveryExt } from '../media/formats.js';
import type { AdminUnitIndex } from '../registry/admin-units.js';
import type { BulletinFilter } from './bulletins.repo.js';

/** The condition on `bulletins` joined to its owner's `admin_units` row. */
export function usableBy(units: AdminUnitIndex, scopeCode: string, excludeIds: readonly number[] = []): SQL {
  const unit = units.get(scopeCode);
  if (!unit) return sql`0`;
  const above = [unit.districtCode, unit.provinceCode].filter((c): c is string => !!c && c !== unit.code);
  const owners = above.length ? or(unitWithin(units, scopeCode), inArray(bulletins.ownerAreaCode, above))! : unitWithin(units, scopeCode);
  return and(
    owners,
    eq(bulletins.status, 'approved'),
    sql`${bulletins.assetSha256} IN (SELECT sha256 FROM media_assets WHERE removed_at IS NULL)`,
    ...(excludeIds.length ? [notInArray(bulletins.id, [...excludeIds])] : []),
  )!;
}

/**
 * The usable bulletins of `scopeCode`, paged in SQL. A delivery file that has gone from disk
 * (not through retention, which marks the asset removed) makes scheduling refuse the bulletin,
 * so those are found first (one stat per usable bulletin) and left out of the query itself:
 * totals and pages stay exact.
 */
export function usableList(ctx: ControllerContext, scopeCode: string, filter: Omit<BulletinFilter, 'usableBy'>) {
  const candidates = ctx.database.db
    .select({ id: bulletins.id, sha256: mediaAssets.sha256, format: mediaAssets.format })
    .from(bulletins)
    .innerJoin(adminUnits, eq(adminUnits.code, bulletins.ownerAreaCode))
    .innerJoin(mediaAssets, eq(mediaAssets.sha256, bulletins.assetSha256))
    .where(and(usableBy(ctx.units, scopeCode), isNull(mediaAssets.removedAt)))
    .all();
  const missing = candidates.filter((c) => !existsSync(ctx.media.store.deliveryPath(c.sha256, deliveryExt(c.format)))).map((c) => c.id);
  return ctx.bulletins.list({ ...filter, usableBy: { scopeCode, excludeIds: missing } });
}
