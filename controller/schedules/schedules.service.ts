// Rules for schedules: validation (timing, stream URL, approved bulletins, targets), conflicts,
// and keeping occurrences and manifests in step with every change. Access (role and scope) is
// checked by the routes through the shared access mechanism before anything here writes.
//
// Conflicts: an airing that overlaps another of the SAME class on the same cluster is refused
// (409, listing the clashing occurrences) — except priority items (Circular 39): those are
// accepted, played one after another, and the commune decides their order (priority-order.ts).
// A higher class overlapping a lower one is allowed: on the agent the higher one interrupts.
import { DateTime } from 'luxon';
import type { PriorityClass } from '../../shared/index.js';
import type { Config } from '../../platform/config.js';
import type { ManifestService } from '../broadcasts/manifests.service.js';
import { type Interval, overlapping } from '../broadcasts/programme.js';
import { AppError } from '../errors.js';
import type { OccurrenceService, Plan } from './occurrences.service.js';
import type { ScheduleInput, ScheduleRecord, SchedulesRepo } from './schedules.repo.js';
import type { ScheduleTargets, TargetResolver, TargetUnit } from './targets.js';
import { type Timing, validateTiming } from './timing.js';

export interface ScheduleRequest {
  title: string;
  class?: PriorityClass;
  volume?: number | null;
  timezone?: string;
  timing: Timing;
  validFrom?: string | null;
  validTo?: string | null;
  bulletinIds?: number[];
  stream?: { url: string; durationMs: number };
  targets: Partial<ScheduleTargets>;
}

export interface Clash {
  occurrenceId: number;
  scheduleId: number;
  title: string;
  class: PriorityClass;
  startAt: number;
  endAt: number;
}

export class ScheduleService {
  constructor(
    private readonly repo: SchedulesRepo,
    private readonly occurrences: OccurrenceService,
    private readonly targets: TargetResolver,
    private readonly manifests: ManifestService,
    private readonly config: Pick<Config, 'timezone'>,
    private readonly clock: () => number,
  ) {}

  /** The unit of every target, for the caller's scope check. Unknown targets → 404. */
  targetUnits(req: Pick<ScheduleRequest, 'targets'>): TargetUnit[] {
    const t = normaliseTargets(req.targets);
    if (t.areas.length + t.groups.length + t.devices.length === 0) throw new AppError('target_required');
    return this.targets.unitsOf(t);
  }

  /** Validates a request into a schedule; throws catalogue errors. */
  prepare(req: ScheduleRequest): ScheduleInput {
    const now = this.clock();
    const timezone = req.timezone ?? this.config.timezone;
    validateTiming({ timing: req.timing, timezone, validFrom: req.validFrom, validTo: req.validTo }, now);
    if (req.stream) {
      let protocol = '';
      try {
        protocol = new URL(req.stream.url).protocol;
      } catch {}
      if (protocol !== 'http:' && protocol !== 'https:') throw new AppError('invalid_stream_url', { url: req.stream.url.slice(0, 200) });
    }
    const targets = normaliseTargets(req.targets);
    const units = this.targetUnits(req);
    return {
      title: req.title.trim(),
      ownerAreaCode: this.targets.owner(units.map((u) => u.areaCode)),
      class: req.class ?? 'normal',
      volume: req.volume ?? null,
      timezone,
      timing: req.timing,
      validFrom: req.validFrom ?? null,
      validTo: req.validTo ?? null,
      bulletinIds: req.stream ? [] : (req.bulletinIds ?? []),
      stream: req.stream ?? null,
      targets,
    };
  }

  create(input: ScheduleInput, createdBy: number | null): { schedule: ScheduleRecord; priorityClashes: Clash[] } {
    const now = this.clock();
    const plan = this.occurrences.plan(input, now, this.occurrences.horizonEnd(now));
    const devices = this.targets.devices(input.targets);
    const clashes = this.conflicts(input, plan, devices, null, now);
    const id = this.repo.insert(input, createdBy, now);
    const schedule = this.repo.get(id)!;
    this.occurrences.sync(schedule, now, plan);
    this.manifests.markDirty(devices);
    return { schedule, priorityClashes: clashes };
  }

  update(id: number, input: ScheduleInput): { schedule: ScheduleRecord; priorityClashes: Clash[] } {
    const now = this.clock();
    const before = this.get(id);
    const plan = this.occurrences.plan(input, now, this.occurrences.horizonEnd(now));
    const devices = this.targets.devices(input.targets);
    const clashes = this.conflicts(input, plan, devices, id, now);
    const oldDevices = this.targets.devices(before.targets);
    this.repo.update(id, input, now);
    const schedule = this.repo.get(id)!;
    this.occurrences.sync(schedule, now, plan);
    this.manifests.markDirty([...oldDevices, ...devices]);
    return { schedule, priorityClashes: clashes };
  }

  /** Deleting withdraws the future occurrences; past ones and their proof of play stay. */
  delete(id: number): ScheduleRecord {
    const now = this.clock();
    const schedule = this.get(id);
    this.repo.softDelete(id, now);
    this.occurrences.sync({ ...schedule, deletedAt: now }, now);
    this.manifests.markDirty(this.targets.devices(schedule.targets));
    return this.repo.get(id)!;
  }

  private local(ms: number, zone: string): string {
    return DateTime.fromMillis(ms, { zone }).toFormat('HH:mm:ss dd/MM/yyyy');
  }

  get(id: number): ScheduleRecord {
    const s = this.repo.get(id);
    if (!s || s.deletedAt !== null) throw new AppError('schedule_not_found', { id });
    return s;
  }

  /**
   * Same-class clashes on shared clusters within the horizon. Refused (409) unless the class is
   * priority, where they are returned for the commune to order.
   */
  private conflicts(input: ScheduleInput, plan: Plan, devices: Set<string>, selfId: number | null, now: number): Clash[] {
    const mine: Interval[] = plan.starts.map((s) => ({ startAt: s, endAt: s + plan.durationMs }));
    const clashes: Clash[] = [];
    // A rule whose airings overlap each other clashes with itself.
    for (let i = 1; i < mine.length; i++) {
      if (mine[i]!.startAt < mine[i - 1]!.endAt) {
        throw new AppError('schedule_conflict', { count: 1, title: input.title, when: this.local(mine[i]!.startAt, input.timezone) }, { details: { clashes: [], selfOverlap: true } });
      }
    }
    if (devices.size > 0 && mine.length > 0) {
      const end = this.occurrences.horizonEnd(now);
      for (const other of this.repo.active(input.class)) {
        if (other.id === selfId) continue;
        const hits = overlapping(mine, this.repo.occurrencesOf(other.id, now, end));
        if (hits.length === 0) continue;
        const theirs = this.targets.devices(other.targets);
        if (![...theirs].some((d) => devices.has(d))) continue;
        for (const h of hits) clashes.push({ occurrenceId: h.id, scheduleId: other.id, title: other.title, class: other.class, startAt: h.startAt, endAt: h.endAt });
      }
    }
    if (clashes.length > 0 && input.class !== 'priority') {
      const first = clashes[0]!;
      throw new AppError('schedule_conflict', { count: clashes.length, title: first.title, when: this.local(first.startAt, input.timezone) }, { details: { clashes } });
    }
    return clashes;
  }
}

export function normaliseTargets(t: Partial<ScheduleTargets>): ScheduleTargets {
  return {
    areas: [...new Set(t.areas ?? [])],
    groups: [...new Set(t.groups ?? [])],
    devices: [...new Set(t.devices ?? [])],
  };
}
