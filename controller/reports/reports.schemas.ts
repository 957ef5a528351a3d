// Response schemas of the overview and report routes (TypeBox: validation, OpenAPI and types).
import { Type } from '@sinclair/typebox';
import { REPLACEMENT_STATUSES, STATION_TECHNOLOGIES } from '../db/schema/registry.js';
import { AreaCode, Nullable } from '../http/schemas.js';

export const TechCounts = Type.Object({ it_telecom: Type.Integer(), fm: Type.Integer(), wired: Type.Integer(), mixed: Type.Integer(), none: Type.Integer() });
const TechCountsAt = Type.Composite([TechCounts, Type.Object({ unrecorded: Type.Integer({ description: 'stations with no technology recorded yet at that moment' }) })]);
export const Uptime = Type.Object({
  ratio: Nullable(Type.Number({ description: 'seconds online / seconds the clusters existed; null when there is nothing to measure' })),
  onlineS: Type.Integer(),
  expectedS: Type.Integer(),
});

const OverviewFigures = {
  communes: Type.Integer(),
  stations: TechCounts,
  smartShare: Type.Number({ description: 'IT-telecom stations / communes; the target is 1.0 by end of 2025 (Decision 1655)' }),
  stationsWithDevices: Type.Integer(),
  stationsOnline: Type.Integer({ description: 'stations with at least one cluster online now' }),
  silentStations: Type.Integer({ description: 'stations whose clusters have all been silent longer than the threshold' }),
  devicesTotal: Type.Integer(),
  devicesOnline: Type.Integer(),
  uptime30d: Uptime,
};

export const SilentStation = Type.Object({
  stationId: Type.Integer(),
  stationName: Type.String(),
  communeCode: Type.String(),
  communeName: Type.String(),
  districtCode: Nullable(Type.String()),
  devices: Type.Integer(),
  lastSeenAt: Nullable(Type.Integer()),
  silentSince: Type.Integer({ description: 'last heard from, or provisioned if never heard from (ms epoch)' }),
});

export const LegacySummary = Type.Object({
  remaining: Type.Integer({ description: 'FM, wired and mixed stations still to replace' }),
  withoutStation: Type.Integer(),
  byStatus: Type.Object(Object.fromEntries(REPLACEMENT_STATUSES.map((s) => [s, Type.Integer()]))),
  byYear: Type.Array(Type.Object({ year: Type.Integer(), count: Type.Integer() })),
  unplanned: Type.Integer({ description: 'legacy stations with no planned replacement year' }),
});

export const OverviewResponse = Type.Object({
  generatedAt: Type.Integer(),
  silentThresholdMin: Type.Integer(),
  uptimeWindow: Type.Object({ from: Type.String(), to: Type.String() }, { description: 'the last 30 complete local days' }),
  target: Type.Object({ smartShare: Type.Number(), by: Type.String(), source: Type.String() }),
  districts: Type.Array(Type.Object({ districtCode: Type.String(), districtName: Type.String(), ...OverviewFigures })),
  totals: Type.Object(OverviewFigures),
  silent: Type.Array(SilentStation),
  legacy: LegacySummary,
});

const PeriodFigures = {
  communes: Type.Integer(),
  start: TechCountsAt,
  end: TechCountsAt,
  change: TechCounts,
  convertedToSmart: Type.Integer(),
  smartShareEnd: Type.Number(),
  uptime: Uptime,
};

export const PeriodReportResponse = Type.Object({
  from: Type.String(),
  to: Type.String(),
  uptimeUntil: Type.String({ description: 'uptime counts complete days before this one' }),
  generatedAt: Type.Integer(),
  districts: Type.Array(Type.Object({ districtCode: Type.String(), districtName: Type.String(), ...PeriodFigures })),
  totals: Type.Object(PeriodFigures),
});

export const PeriodQuery = Type.Object(
  {
    from: Type.String({ format: 'date', description: 'first local day (inclusive)' }),
    to: Type.String({ format: 'date', description: 'last local day (inclusive)' }),
    area: Type.Optional(AreaCode),
  },
  { additionalProperties: false },
);

export const LegacyStation = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  communeCode: Type.String(),
  communeName: Type.String(),
  districtCode: Nullable(Type.String()),
  technology: Type.Union(STATION_TECHNOLOGIES.map((t) => Type.Literal(t))),
  commissionedOn: Nullable(Type.String()),
  plannedReplacementYear: Nullable(Type.Integer()),
  replacementStatus: Type.Union(REPLACEMENT_STATUSES.map((s) => Type.Literal(s))),
  notes: Nullable(Type.String()),
  devicesTotal: Type.Integer(),
  devicesOnline: Type.Integer(),
  lastSeenAt: Nullable(Type.Integer()),
});
