// Broadcasts: device groups, schedules (rules in local wall-clock time) and the occurrences they
// expand to, per-device manifests, commands, emergency broadcasts, the agents' event log (proof
// of play), per-item playback results and operators' confirmations. See docs/broadcasts.md.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './accounts.js';
import { devices } from './devices.js';
import { bulletins } from './media.js';
import { adminUnits } from './registry.js';

export const BROADCAST_CLASSES = ['normal', 'priority', 'emergency'] as const;
export type BroadcastClass = (typeof BROADCAST_CLASSES)[number];

/** A named set of clusters inside one area, usable as a schedule target. */
export const deviceGroups = sqliteTable(
  'device_groups',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    areaCode: text('area_code')
      .notNull()
      .references(() => adminUnits.code),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('device_groups_area_name_uq').on(t.areaCode, t.name)],
);

export const deviceGroupMembers = sqliteTable(
  'device_group_members',
  {
    groupId: integer('group_id')
      .notNull()
      .references(() => deviceGroups.id, { onDelete: 'cascade' }),
    deviceId: text('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.deviceId] }), index('device_group_members_device_idx').on(t.deviceId)],
);

export const TIMING_KINDS = ['once', 'cron', 'weekly'] as const;
export const SOURCE_KINDS = ['playlist', 'stream'] as const;

export const schedules = sqliteTable(
  'schedules',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    title: text('title').notNull(),
    /** The narrowest unit containing every target; who may change the schedule and who sees it. */
    ownerAreaCode: text('owner_area_code')
      .notNull()
      .references(() => adminUnits.code),
    class: text('class', { enum: BROADCAST_CLASSES }).notNull(),
    volume: integer('volume'),
    timezone: text('timezone').notNull(),
    timingKind: text('timing_kind', { enum: TIMING_KINDS }).notNull(),
    /** The timing rule as given (JSON): `{at}`, `{cron}` or `{daysOfWeek, times}`. */
    timing: text('timing', { mode: 'json' }).notNull(),
    validFrom: text('valid_from'),
    validTo: text('valid_to'),
    sourceKind: text('source_kind', { enum: SOURCE_KINDS }).notNull(),
    streamUrl: text('stream_url'),
    streamDurationMs: integer('stream_duration_ms'),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /** Deleted schedules are kept (their past occurrences and proof of play stay readable). */
    deletedAt: integer('deleted_at'),
  },
  (t) => [index('schedules_owner_idx').on(t.ownerAreaCode)],
);

/** The playlist of a schedule: bulletins played one after another. */
export const scheduleItems = sqliteTable(
  'schedule_items',
  {
    scheduleId: integer('schedule_id')
      .notNull()
      .references(() => schedules.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    bulletinId: integer('bulletin_id')
      .notNull()
      .references(() => bulletins.id),
  },
  (t) => [primaryKey({ columns: [t.scheduleId, t.position] }), index('schedule_items_bulletin_idx').on(t.bulletinId)],
);

export const TARGET_KINDS = ['area', 'group', 'device'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const scheduleTargets = sqliteTable(
  'schedule_targets',
  {
    scheduleId: integer('schedule_id')
      .notNull()
      .references(() => schedules.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: TARGET_KINDS }).notNull(),
    /** Area code, group id or device id. */
    ref: text('ref').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scheduleId, t.kind, t.ref] }), index('schedule_targets_ref_idx').on(t.kind, t.ref)],
);

export const OCCURRENCE_STATUSES = ['planned', 'withdrawn'] as const;

/** One concrete airing of a schedule (UTC ms), expanded over the rolling horizon. */
export const occurrences = sqliteTable(
  'occurrences',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    scheduleId: integer('schedule_id')
      .notNull()
      .references(() => schedules.id),
    startAt: integer('start_at').notNull(),
    endAt: integer('end_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    class: text('class', { enum: BROADCAST_CLASSES }).notNull(),
    status: text('status', { enum: OCCURRENCE_STATUSES }).notNull().default('planned'),
    /** What plays, resolved when expanded (JSON list of sources with durations). */
    items: text('items', { mode: 'json' }).notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('occurrences_schedule_start_uq').on(t.scheduleId, t.startAt), index('occurrences_window_idx').on(t.status, t.endAt, t.startAt)],
);

/** Circular 39: when priority items clash, the commune decides their order. */
export const priorityOrders = sqliteTable(
  'priority_orders',
  {
    communeCode: text('commune_code')
      .notNull()
      .references(() => adminUnits.code),
    occurrenceId: integer('occurrence_id')
      .notNull()
      .references(() => occurrences.id),
    rank: integer('rank').notNull(),
    decidedBy: integer('decided_by').references(() => users.id),
    decidedAt: integer('decided_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.communeCode, t.occurrenceId] })],
);

/** The manifest last built for each device; `version` changes only when `hash` does. */
export const deviceManifests = sqliteTable('device_manifests', {
  deviceId: text('device_id')
    .primaryKey()
    .references(() => devices.id, { onDelete: 'cascade' }),
  version: integer('version').notNull(),
  hash: text('hash').notNull(),
  body: text('body').notNull(),
  builtAt: integer('built_at').notNull(),
  publishedVersion: integer('published_version'),
  publishedAt: integer('published_at'),
});

export const PLAYBACK_STATUSES = ['planned', 'started', 'finished', 'interrupted', 'failed', 'skipped', 'withdrawn'] as const;
export type PlaybackStatus = (typeof PLAYBACK_STATUSES)[number];

/** Per manifest item and device: what was planned and what the agent reported. */
export const playbackResults = sqliteTable(
  'playback_results',
  {
    deviceId: text('device_id').notNull(),
    itemId: text('item_id').notNull(),
    occurrenceId: integer('occurrence_id').notNull(),
    itemIndex: integer('item_index').notNull(),
    communeCode: text('commune_code').notNull(),
    plannedStartAt: integer('planned_start_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    status: text('status', { enum: PLAYBACK_STATUSES }).notNull(),
    startedAt: integer('started_at'),
    endedAt: integer('ended_at'),
    /** Device-clock start minus the planned start (ms), from play_started. */
    skewMs: integer('skew_ms'),
    reason: text('reason'),
    interruptedBy: text('interrupted_by', { mode: 'json' }),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.itemId] }),
    index('playback_results_occurrence_idx').on(t.occurrenceId),
    index('playback_results_commune_start_idx').on(t.communeCode, t.plannedStartAt),
  ],
);

/** The agents' outbox as committed: idempotent by (device, seq). */
export const deviceEvents = sqliteTable(
  'device_events',
  {
    deviceId: text('device_id').notNull(),
    seq: integer('seq').notNull(),
    ts: integer('ts').notNull(),
    type: text('type').notNull(),
    itemId: text('item_id'),
    occurrenceId: text('occurrence_id'),
    commandId: text('command_id'),
    emergencyId: text('emergency_id'),
    body: text('body').notNull(),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.seq] }), index('device_events_ts_idx').on(t.ts)],
);

/** Highest contiguous committed sequence per device (what `events/ack` says). */
export const deviceEventCursors = sqliteTable('device_event_cursors', {
  deviceId: text('device_id').primaryKey(),
  committedSeq: integer('committed_seq').notNull(),
});

export const COMMAND_STATUSES = ['pending', 'ok', 'error', 'expired', 'rejected'] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];

export const commands = sqliteTable(
  'commands',
  {
    id: text('id').primaryKey(),
    deviceId: text('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    op: text('op').notNull(),
    /** The full command payload as published (JSON), re-sent verbatim. */
    payload: text('payload').notNull(),
    status: text('status', { enum: COMMAND_STATUSES }).notNull(),
    createdBy: integer('created_by'),
    createdByName: text('created_by_name'),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    sentCount: integer('sent_count').notNull().default(0),
    lastSentAt: integer('last_sent_at'),
    resultAt: integer('result_at'),
    error: text('error'),
  },
  (t) => [index('commands_device_idx').on(t.deviceId, t.createdAt), index('commands_pending_idx').on(t.status, t.expiresAt)],
);

export const EMERGENCY_STATUSES = ['active', 'stopped', 'expired'] as const;

export const emergencies = sqliteTable(
  'emergencies',
  {
    /** Also the id of the fanned-out command. */
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    areaCodes: text('area_codes', { mode: 'json' }).$type<string[]>().notNull(),
    /** The command payload as published to every area (JSON). */
    payload: text('payload').notNull(),
    bulletinId: integer('bulletin_id'),
    status: text('status', { enum: EMERGENCY_STATUSES }).notNull(),
    createdBy: integer('created_by'),
    createdByName: text('created_by_name'),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    stoppedAt: integer('stopped_at'),
  },
  (t) => [index('emergencies_created_idx').on(t.createdAt)],
);

/** Every targeted device of an emergency: acknowledgement and playback start as they arrive. */
export const emergencyDevices = sqliteTable(
  'emergency_devices',
  {
    emergencyId: text('emergency_id')
      .notNull()
      .references(() => emergencies.id),
    deviceId: text('device_id').notNull(),
    communeCode: text('commune_code').notNull(),
    ackStatus: text('ack_status').notNull().default('pending'),
    ackAt: integer('ack_at'),
    error: text('error'),
    /** Device clock when playback started (event play_started), and when we learnt it. */
    startedAt: integer('started_at'),
    startedReceivedAt: integer('started_received_at'),
    resentCount: integer('resent_count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.emergencyId, t.deviceId] })],
);

export const CONFIRMATION_STATUSES = ['heard', 'problem'] as const;

/** A commune operator's word on an occurrence: heard it, or a problem (with a note). */
export const confirmations = sqliteTable(
  'confirmations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    occurrenceId: integer('occurrence_id')
      .notNull()
      .references(() => occurrences.id),
    communeCode: text('commune_code')
      .notNull()
      .references(() => adminUnits.code),
    status: text('status', { enum: CONFIRMATION_STATUSES }).notNull(),
    note: text('note'),
    userId: integer('user_id').references(() => users.id),
    at: integer('at').notNull(),
  },
  (t) => [uniqueIndex('confirmations_occurrence_commune_uq').on(t.occurrenceId, t.communeCode), index('confirmations_commune_idx').on(t.communeCode, t.at)],
);
