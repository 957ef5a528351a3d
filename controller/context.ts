// The composition root of the controller: every service is created here, once, and handed to
// the HTTP routes through `app.ctx`. Nothing here starts work; see controller.ts for start/stop.
import type { BrokerStats } from '../broker/stats.js';
import { encode, PAYLOAD_VERSION, REVOCATIONS_TOPIC } from '../shared/index.js';
import type { Config } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import type { Actor } from './accounts/actor.js';
import { ApiTokenService } from './accounts/api-tokens.js';
import { LoginThrottle } from './accounts/login-throttle.js';
import { SessionStore } from './accounts/sessions.js';
import { UserService } from './accounts/users.service.js';
import { AuditService } from './audit/audit.service.js';
import { type Broadcasts, createBroadcasts } from './broadcasts/broadcasts.js';
import { bulletinMediaSource } from './bulletins/bulletin-media-refs.js';
import { BulletinService } from './bulletins/bulletins.service.js';
import type { LoaDatabase } from './db/client.js';
import { DeviceCredentials } from './devices/credentials.js';
import { DeviceService } from './devices/devices.service.js';
import { LiveHub } from './live/live-hub.js';
import { MediaReferences } from './media/media-refs.js';
import { MediaService } from './media/media.service.js';
import { Metrics } from './metrics.js';
import { ControllerMqtt } from './mqtt/link.js';
import { AdminUnitIndex } from './registry/admin-units.js';
import { getPlayableBulletin } from './bulletins/playable.js';
import type { ServiceAccount } from './security/service-account.js';
import { HeartbeatWriter } from './telemetry/heartbeat-writer.js';
import { PresenceService } from './telemetry/presence.js';
import { TelemetryRollup } from './telemetry/rollup.js';
import { UptimeCalculator } from './telemetry/uptime.js';
import { createTtsProvider, TtsService } from './tts/tts.service.js';

/** What the in-process broker reports, when there is one (loa start). */
export interface BrokerStatsSource {
  stats(): BrokerStats;
}

export interface ControllerContext {
  config: Readonly<Config>;
  logger: Logger;
  clock: () => number;
  database: LoaDatabase;
  metrics: Metrics;
  units: AdminUnitIndex;
  audit: AuditService;
  users: UserService;
  sessions: SessionStore;
  tokens: ApiTokenService;
  loginThrottle: LoginThrottle;
  credentials: DeviceCredentials;
  devices: DeviceService;
  presence: PresenceService;
  heartbeats: HeartbeatWriter;
  uptime: UptimeCalculator;
  rollup: TelemetryRollup;
  mqtt: ControllerMqtt;
  /** Live events for the console (server-sent events), filtered to each reader's area. */
  live: LiveHub;
  serviceAccount: ServiceAccount;
  broker: BrokerStatsSource | null;
  broadcasts: Broadcasts;
  /** Who still needs which audio file; which cluster may fetch which (media-refs.ts). */
  mediaRefs: MediaReferences;
  media: MediaService;
  bulletins: BulletinService;
  tts: TtsService;
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: ControllerContext;
  }
}

export function createContext(options: {
  config: Readonly<Config>;
  logger: Logger;
  database: LoaDatabase;
  serviceAccount: ServiceAccount;
  clock?: () => number;
}): ControllerContext {
  const { config, logger, database, serviceAccount } = options;
  const clock = options.clock ?? Date.now;
  const metrics = new Metrics();
  const units = new AdminUnitIndex(database);
  units.reload();
  const credentials = new DeviceCredentials(database, units);
  const presence = new PresenceService(
    database.sqlite,
    metrics,
    logger.child({ module: 'presence' }),
    config.heartbeatIntervalS * config.offlineAfterMissedHeartbeats * 1000,
    clock,
  );
  const heartbeats = new HeartbeatWriter(database.sqlite, metrics, logger.child({ module: 'ingest' }));
  heartbeats.onCommitted = (seen) => presence.onSeen(seen);
  const devices = new DeviceService(database, units, credentials, config, clock, (id) => {
    presence.addDevice(id);
    // A new cluster gets its manifest (retained) at once, so it has it on its first connect.
    broadcasts.manifests.markDirty([id]);
  });
  const mediaRefs = new MediaReferences();
  mediaRefs.register(bulletinMediaSource(database, units));
  const media = new MediaService(config, database, mediaRefs, logger, clock);
  const mqtt = new ControllerMqtt({
    url: config.mqttUrl,
    username: serviceAccount.username,
    password: serviceAccount.secret,
    logger: logger.child({ module: 'mqtt' }),
    metrics,
  });
  // A device disabled or given a new secret loses its live connection too, not only its next
  // CONNECT: Loa's broker acts on the revocation (broker/policy.ts); a third-party broker ignores it.
  devices.onAccessRevoked((deviceId, reason) => {
    const payload = encode('revocation', { v: PAYLOAD_VERSION, ts: clock(), deviceId, reason });
    mqtt.publish(REVOCATIONS_TOPIC, payload, { qos: 1 }).catch((err) => logger.warn({ err, deviceId, reason }, 'could not tell the broker to close a revoked device'));
  });
  // The bulletin lookup needs the finished context; it is only called after createContext returns.
  let ctx: ControllerContext | undefined;
  const broadcasts = createBroadcasts({ sqlite: database.sqlite, config, units, mqtt, metrics, logger, clock, playable: (id) => getPlayableBulletin(ctx!, id) });
  // Manifests, pending commands and active emergencies keep their files and let clusters fetch them.
  mediaRefs.register(broadcasts.mediaRefs);
  ctx = {
    config,
    logger,
    clock,
    database,
    metrics,
    units,
    audit: new AuditService(database, logger.child({ module: 'audit' }), clock),
    users: new UserService(database, units, clock),
    sessions: new SessionStore(database, config.sessionTtlHours * 3_600_000, clock),
    tokens: new ApiTokenService(database, clock),
    loginThrottle: new LoginThrottle(undefined, clock),
    credentials,
    devices,
    presence,
    heartbeats,
    uptime: new UptimeCalculator(database.sqlite),
    rollup: new TelemetryRollup(database.sqlite, config.timezone, clock),
    mqtt,
    live: new LiveHub(presence, devices.repo, units, logger.child({ module: 'live' }), config.liveKeepAliveS * 1000),
    serviceAccount,
    broker: null,
    broadcasts,
    mediaRefs,
    media,
    bulletins: new BulletinService(database, units, media, clock),
    tts: new TtsService(createTtsProvider(config, media.store), config.ttsVoice, media.store),
  };
  // Proof of play reaches open consoles as `airing` events (the overview and the day view reload).
  const live = ctx.live;
  broadcasts.events.onPlayback = (deviceIds) => {
    for (const id of deviceIds) live.publishForDevice(id, 'airing');
  };
  return ctx;
}

export type { Actor };
