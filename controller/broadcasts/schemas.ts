// TypeBox schemas of the schedules and broadcasts API (requests and responses).
import { Type } from '@sinclair/typebox';
import { AreaCode, DeviceId, Nullable } from '../http/schemas.js';

export const PriorityClass = Type.Union([Type.Literal('normal'), Type.Literal('priority'), Type.Literal('emergency')]);
const Volume = Type.Integer({ minimum: 0, maximum: 100 });

export const TimingBody = Type.Union([
  Type.Object({ kind: Type.Literal('once'), at: Type.String({ maxLength: 25, description: 'local date-time YYYY-MM-DDTHH:mm[:ss] in the schedule time zone' }) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('cron'), cron: Type.String({ minLength: 1, maxLength: 120, description: 'node-cron expression (5 or 6 fields), local time' }) }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('weekly'),
      daysOfWeek: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, maxItems: 7, description: '1 = Monday … 7 = Sunday' }),
      times: Type.Array(Type.String({ maxLength: 8 }), { minItems: 1, maxItems: 48, description: 'HH:mm local' }),
    },
    { additionalProperties: false },
  ),
]);

export const TargetsBody = Type.Object(
  {
    areas: Type.Optional(Type.Array(AreaCode, { maxItems: 200 })),
    groups: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 200 })),
    devices: Type.Optional(Type.Array(DeviceId, { maxItems: 1000 })),
  },
  { additionalProperties: false },
);

export const StreamBody = Type.Object(
  { url: Type.String({ minLength: 1, maxLength: 2048 }), durationMs: Type.Integer({ minimum: 1000, maximum: 86_400_000 }) },
  { additionalProperties: false },
);

export const ScheduleBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    class: Type.Optional(PriorityClass),
    volume: Type.Optional(Nullable(Volume)),
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    timing: TimingBody,
    validFrom: Type.Optional(Nullable(Type.String({ maxLength: 10 }))),
    validTo: Type.Optional(Nullable(Type.String({ maxLength: 10 }))),
    bulletinIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 50 })),
    stream: Type.Optional(StreamBody),
    targets: TargetsBody,
  },
  { additionalProperties: false },
);

export const Schedule = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  ownerAreaCode: Type.String(),
  class: PriorityClass,
  volume: Nullable(Type.Integer()),
  timezone: Type.String(),
  timing: Type.Unknown(),
  validFrom: Nullable(Type.String()),
  validTo: Nullable(Type.String()),
  bulletinIds: Type.Array(Type.Integer()),
  stream: Nullable(Type.Object({ url: Type.String(), durationMs: Type.Integer() })),
  targets: Type.Object({ areas: Type.Array(Type.String()), groups: Type.Array(Type.Integer()), devices: Type.Array(Type.String()) }),
  createdBy: Nullable(Type.Integer()),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
  deletedAt: Nullable(Type.Integer()),
});

export const Clash = Type.Object({
  occurrenceId: Type.Integer(),
  scheduleId: Type.Integer(),
  title: Type.String(),
  class: PriorityClass,
  startAt: Type.Integer(),
  endAt: Type.Integer(),
});

export const Occurrence = Type.Object({
  id: Type.Integer(),
  scheduleId: Type.Integer(),
  startAt: Type.Integer(),
  endAt: Type.Integer(),
  durationMs: Type.Integer(),
  class: PriorityClass,
  status: Type.String(),
  items: Type.Unknown(),
});

export const DeviceResult = Type.Object({
  deviceId: Type.String(),
  deviceName: Type.String(),
  communeCode: Type.String(),
  outcome: Type.String({ description: 'planned | playing | finished | interrupted | failed | skipped' }),
  reason: Nullable(Type.String()),
  interruptedBy: Type.Unknown(),
  plannedStartAt: Type.Integer(),
  startedAt: Nullable(Type.Integer()),
  endedAt: Nullable(Type.Integer()),
  skewMs: Nullable(Type.Integer()),
});

export const DeviceAiring = Type.Composite([
  Type.Object({ occurrenceId: Type.Integer(), scheduleId: Nullable(Type.Integer()), title: Type.String(), class: Type.String(), plannedEndAt: Type.Integer() }),
  DeviceResult,
  Type.Object({
    items: Type.Array(
      Type.Object({
        index: Type.Integer(),
        status: Type.String({ description: 'planned | started | finished | interrupted | failed | skipped' }),
        plannedStartAt: Type.Integer(),
        durationMs: Type.Integer(),
        startedAt: Nullable(Type.Integer()),
        endedAt: Nullable(Type.Integer()),
        reason: Nullable(Type.String()),
      }),
      { description: 'each piece of the playlist as the cluster reported it' },
    ),
  }),
]);

const Counts = Type.Object({
  planned: Type.Integer(),
  playing: Type.Integer(),
  finished: Type.Integer(),
  interrupted: Type.Integer(),
  failed: Type.Integer(),
  skipped: Type.Integer(),
});

export const OccurrenceView = Type.Object({
  id: Type.Integer(),
  scheduleId: Type.Integer(),
  title: Type.String(),
  class: Type.String(),
  startAt: Type.Integer(),
  endAt: Type.Integer(),
  status: Type.String(),
  devices: Type.Array(DeviceResult),
  counts: Counts,
  confirmations: Type.Array(Type.Object({ communeCode: Type.String(), status: Type.String(), note: Nullable(Type.String()), at: Type.Integer(), userName: Nullable(Type.String()) })),
});

export const Summary = Type.Object({
  areaCode: Type.String(),
  day: Type.String(),
  occurrences: Type.Integer(),
  deviceAirings: Type.Composite([Counts, Type.Object({ total: Type.Integer(), aired: Type.Integer() })]),
  communeAirings: Type.Integer(),
  confirmed: Type.Integer(),
  flagged: Type.Integer(),
});

const RateCounts = { due: Type.Integer(), heard: Type.Integer(), problem: Type.Integer(), rate: Type.Number() };
export const ConfirmationRates = Type.Object({
  areaCode: Type.String(),
  from: Type.Integer(),
  to: Type.Integer(),
  communes: Type.Array(Type.Object({ communeCode: Type.String(), communeName: Type.String(), districtCode: Nullable(Type.String()), ...RateCounts })),
  totals: Type.Object(RateCounts),
});

export const Group = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  areaCode: Type.String(),
  deviceIds: Type.Array(Type.String()),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});

export const Command = Type.Object({
  id: Type.String(),
  deviceId: Type.String(),
  op: Type.String(),
  payload: Type.Unknown(),
  status: Type.String({ description: 'pending | ok | error | expired | rejected' }),
  createdBy: Nullable(Type.String()),
  createdAt: Type.Integer(),
  expiresAt: Type.Integer(),
  sentCount: Type.Integer(),
  lastSentAt: Nullable(Type.Integer()),
  resultAt: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
});
