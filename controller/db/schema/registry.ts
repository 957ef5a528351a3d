// Administrative units (official GSO codes) and the one station each commune has.
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const ADMIN_LEVELS = ['province', 'district', 'commune'] as const;
export type AdminLevel = (typeof ADMIN_LEVELS)[number];

export const adminUnits = sqliteTable(
  'admin_units',
  {
    code: text('code').primaryKey(),
    name: text('name').notNull(),
    /** The unit's own type as the catalogue writes it: Tỉnh, Huyện, Thành phố, Xã, Phường, Thị trấn… */
    typeLabel: text('type_label').notNull(),
    level: text('level', { enum: ADMIN_LEVELS }).notNull(),
    parentCode: text('parent_code'),
    // Ancestor codes kept on every row so a scope filter is one indexed equality, not a tree walk.
    provinceCode: text('province_code').notNull(),
    districtCode: text('district_code'),
    // Administrative re-organisations (e.g. the 2025 merges) close a unit instead of deleting it,
    // so history that points at it stays readable.
    validFrom: text('valid_from'),
    validTo: text('valid_to'),
    successorCode: text('successor_code'),
  },
  (t) => [index('admin_units_parent_idx').on(t.parentCode), index('admin_units_district_idx').on(t.districtCode)],
);

export const STATION_TECHNOLOGIES = ['it_telecom', 'fm', 'wired', 'mixed', 'none'] as const;
export type StationTechnology = (typeof STATION_TECHNOLOGIES)[number];
export const REPLACEMENT_STATUSES = ['not_planned', 'planned', 'in_progress', 'replaced'] as const;
export type ReplacementStatus = (typeof REPLACEMENT_STATUSES)[number];

export const stations = sqliteTable('stations', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  communeCode: text('commune_code')
    .notNull()
    .unique()
    .references(() => adminUnits.code),
  name: text('name').notNull(),
  technology: text('technology', { enum: STATION_TECHNOLOGIES }).notNull(),
  commissionedOn: text('commissioned_on'),
  plannedReplacementYear: integer('planned_replacement_year'),
  replacementStatus: text('replacement_status', { enum: REPLACEMENT_STATUSES }).notNull().default('not_planned'),
  notes: text('notes'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Every change of a station's technology, so reports can show change over a period. */
export const stationTechChanges = sqliteTable(
  'station_tech_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    stationId: integer('station_id')
      .notNull()
      .references(() => stations.id),
    fromTechnology: text('from_technology', { enum: STATION_TECHNOLOGIES }),
    toTechnology: text('to_technology', { enum: STATION_TECHNOLOGIES }).notNull(),
    changedAt: integer('changed_at').notNull(),
    changedBy: integer('changed_by'),
    note: text('note'),
  },
  (t) => [index('station_tech_changes_station_idx').on(t.stationId, t.changedAt)],
);

