// The broadcasts domain put together: schedules → occurrences → manifests, commands, emergency
// broadcasts, proof-of-play ingest, results and confirmations. `createBroadcasts` only builds;
// `wireBroadcasts` (called from controller.ts) attaches the MQTT handlers, presence listener and
// periodic jobs, and runs the first horizon roll.
import type Database from 'better-sqlite3';
import type { Config } from '../../platform/config.js';
import type { Logger } from '../../platform/logger.js';
import type { ControllerContext } from '../context.js';
import type { JobRunner } from '../jobs.js';
import type { Metrics } from '../metrics.js';
import type { ControllerMqtt } from '../mqtt/link.js';
import type { AdminUnitIndex } from '../registry/admin-units.js';
import { OccurrenceService } from '../schedules/occurrences.service.js';
import type { PlayableBulletin } from '../bulletins/playable.js';
import { PriorityOrderService } from '../schedules/priority-order.service.js';
import { SchedulesRepo } from '../schedules/schedules.repo.js';
import { ScheduleService } from '../schedules/schedules.service.js';
import { TargetResolver } from '../schedules/targets.js';
import { BroadcastViews } from './broadcast-views.service.js';
import { CommandService } from './commands.service.js';
import { EmergencyTracker } from './emergency-tracker.js';
import { EmergencyService } from './emergency.service.js';
import { EventIngest } from './events-ingest.js';
import { GroupService } from './groups.service.js';
import { ManifestService } from './manifests.service.js';
import { ResultsRepo } from './results.repo.js';

export interface Broadcasts {
  /** Approved bulletin with its delivery file, or a catalogue error (404 / 409). */
  playable: (bulletinId: number) => PlayableBulletin;
  scheduleRepo: SchedulesRepo;
  targets: TargetResolver;
  occurrences: OccurrenceService;
  schedules: ScheduleService;
  priorityOrder: PriorityOrderService;
  manifests: ManifestService;
  commands: CommandService;
  emergencies: EmergencyService;
  events: EventIngest;
  results: ResultsRepo;
  views: BroadcastViews;
  groups: GroupService;
  /** Media retention and download rights: is this file referenced / may this device fetch it? */
  mediaRefs: { name: string; isReferenced(sha256: string): boolean; deviceMayFetch(deviceId: string, sha256: string): boolean };
}

export function createBroadcasts(deps: {
  sqlite: Database.Database;
  config: Readonly<Config>;
  units: AdminUnitIndex;
  mqtt: ControllerMqtt;
  metrics: Metrics;
  logger: Logger;
  clock: () => number;
  playable: (bulletinId: number) => PlayableBulletin;
}): Broadcasts {
  const { sqlite, config, units, mqtt, metrics, clock, playable } = deps;
  const log = (module: string) => deps.logger.child({ module });
  const scheduleRepo = new SchedulesRepo(sqlite);
  const targets = new TargetResolver(sqlite, units);
  const occurrences = new OccurrenceService(sqlite, scheduleRepo, { horizonDays: config.scheduleHorizonDays, timezone: config.timezone }, playable, log('schedules'));
  const manifests = new ManifestService({
    sqlite,
    repo: scheduleRepo,
    mqtt,
    logger: log('manifests'),
    clock,
    timezone: config.timezone,
    deviceConfig: {
      heartbeatIntervalS: config.heartbeatIntervalS,
      defaultVolume: config.deviceDefaultVolume,
      powerLeadS: config.ampPowerLeadS,
      cacheMaxBytes: config.agentCacheMaxMb * 1024 * 1024,
    },
    horizonEnd: (now) => occurrences.horizonEnd(now),
  });
  const tracker = new EmergencyTracker(sqlite, log('emergency'));
  const commands = new CommandService(sqlite, mqtt, manifests, playable, { commandTtlS: config.commandTtlS }, log('commands'), clock);
  const emergencies = new EmergencyService(sqlite, mqtt, units, tracker, { emergencyTtlS: config.emergencyTtlS }, log('emergency'), clock);
  const results = new ResultsRepo(sqlite);
  const communeOf = sqlite.prepare('SELECT s.commune_code FROM devices d JOIN stations s ON s.id = d.station_id WHERE d.id = ?').pluck();
  return {
    playable,
    scheduleRepo,
    targets,
    occurrences,
    schedules: new ScheduleService(scheduleRepo, occurrences, targets, manifests, config, clock),
    priorityOrder: new PriorityOrderService(sqlite, scheduleRepo, occurrences, manifests, clock),
    manifests,
    commands,
    emergencies,
    events: new EventIngest(sqlite, mqtt, tracker, metrics, log('events')),
    results,
    views: new BroadcastViews(sqlite, results, units, config.timezone, clock),
    groups: new GroupService(sqlite, units, manifests, clock),
    mediaRefs: {
      name: 'broadcasts',
      isReferenced: (sha) => manifests.isReferenced(sha) || commands.references(sha) || emergencies.references(sha),
      deviceMayFetch: (deviceId, sha) => {
        if (manifests.deviceMayFetch(deviceId, sha) || commands.references(sha, deviceId)) return true;
        const commune = communeOf.get(deviceId) as string | undefined;
        return commune !== undefined && emergencies.coversDevice(sha, commune);
      },
    },
  };
}

/** Attaches MQTT handlers, the presence listener and jobs; runs the first horizon roll. */
export function wireBroadcasts(ctx: ControllerContext, jobs: JobRunner): { start(): void; stop(): Promise<void> } {
  const b = ctx.broadcasts;
  const communeOf = ctx.database.sqlite.prepare('SELECT s.commune_code FROM devices d JOIN stations s ON s.id = d.station_id WHERE d.id = ?').pluck();
  const heldVersion = ctx.database.sqlite.prepare('SELECT manifest_version_held FROM devices WHERE id = ?').pluck();
  let lastDay = '';
  const roll = async () => {
    const now = ctx.clock();
    const changed = b.occurrences.roll(now);
    // Every manifest is reconsidered when occurrences changed or the local day (the start of the
    // manifest window) moved; unchanged manifests keep their version and are not published.
    const day = new Date(b.occurrences.horizonEnd(now)).toISOString();
    if (changed.length > 0 || day !== lastDay) {
      lastDay = day;
      b.manifests.markAll();
      await b.manifests.whenIdle();
    }
    return changed;
  };
  jobs.add('schedule-horizon-roll', '7 * * * *', async () => {
    await roll();
  });
  jobs.add('commands-expire', '*/30 * * * * *', () => {
    b.commands.expire();
    b.emergencies.expire();
  });
  return {
    start() {
      ctx.mqtt.on('events', (deviceId, payload, receivedAt) => {
        if (!ctx.presence.isKnown(deviceId)) {
          ctx.metrics.payloadsDropped.inc({ kind: 'events', reason: 'unknown_device' });
          return;
        }
        b.events.enqueue(deviceId, payload, receivedAt);
      });
      ctx.mqtt.on('cmd/result', (deviceId, payload, receivedAt) => {
        if (b.emergencies.onResult(deviceId, payload.id, payload.status, payload.error ?? null, receivedAt)) return;
        if (!b.commands.onResult(deviceId, payload, receivedAt)) ctx.metrics.payloadsDropped.inc({ kind: 'cmd/result', reason: 'unknown_command' });
      });
      ctx.mqtt.onConnect(() => {
        b.manifests.publishPending();
        b.commands.resendAllPending();
      });
      // "Came online again" is a new MQTT session, seen from the device's own online state — also
      // after a broker restart, when presence never saw it go offline — or from presence (a
      // device back through its heartbeats). Both may fire for one reconnect: handled once.
      const lastHandled = new Map<string, number>();
      const onReconnect = (deviceId: string) => {
        const now = Date.now();
        if (now - (lastHandled.get(deviceId) ?? 0) < 1000) return;
        lastHandled.set(deviceId, now);
        const commune = communeOf.get(deviceId) as string | undefined;
        b.manifests.onDeviceOnline(deviceId, (heldVersion.get(deviceId) as number | null) ?? null);
        b.commands.resendPending(deviceId);
        if (commune) b.emergencies.onDeviceOnline(deviceId, commune);
      };
      ctx.mqtt.on('state', (deviceId, payload) => {
        if (payload.online && ctx.presence.isKnown(deviceId)) onReconnect(deviceId);
      });
      ctx.presence.on('change', (change) => {
        if (change.online) onReconnect(change.deviceId);
      });
      b.emergencies.start();
      roll().catch((err) => ctx.logger.error({ err }, 'first horizon roll failed'));
    },
    async stop() {
      await b.manifests.whenIdle();
      b.events.flush();
      b.emergencies.tracker.stop();
    },
  };
}
