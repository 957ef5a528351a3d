// Starting and stopping the controller: database (migrations, first-start seed and admin),
// HTTP, the MQTT link, telemetry and periodic jobs. `prepareController` does everything that
// needs no network, so `loa start` can hand the credential check to the in-process broker
// before either listens.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../platform/config.js';
import { listen } from '../platform/listen.js';
import type { Logger } from '../platform/logger.js';
import { seedRegistry } from '../seeds/seed.js';
import { buildApp } from './app.js';
import { wireBroadcasts } from './broadcasts/broadcasts.js';
import { type ControllerContext, createContext } from './context.js';
import { type BackgroundCheckpoints, startBackgroundCheckpoints } from './db/checkpointer.js';
import { openDatabase, runMigrations } from './db/client.js';
import { JobRunner } from './jobs.js';
import { loadOrCreateServiceSecret, registerServiceAccount } from './security/service-account.js';

export interface PreparedController {
  ctx: ControllerContext;
  jobs: JobRunner;
  /** Set when this start created the first admin with a generated password (show it once). */
  firstAdminPassword: string | null;
  /** `mqttUrl` overrides LOA_MQTT_URL (loa start passes its in-process broker's port). */
  start(options?: { mqttUrl?: string }): Promise<{ httpPort: number }>;
  stop(): Promise<void>;
  /** The HTTP application once started (tests use `inject`). */
  readonly app: FastifyInstance | null;
}

export async function prepareController(config: Readonly<Config>, logger: Logger, clock: () => number = Date.now): Promise<PreparedController> {
  const database = openDatabase(config.paths.database);
  runMigrations(database);
  const empty = (database.sqlite.prepare('SELECT COUNT(*) AS n FROM admin_units').get() as { n: number }).n === 0;
  if (empty) {
    const report = seedRegistry(database, clock());
    logger.info(report, 'first start: seeded the Bắc Kạn registry');
  }
  const serviceAccount = loadOrCreateServiceSecret(config.paths.secrets, config.serviceSecret);
  await registerServiceAccount(database, serviceAccount, clock());
  const ctx = createContext({ config, logger, database, serviceAccount, clock });
  const firstAdmin = await ctx.users.ensureFirstAdmin(config.adminPassword);
  const jobs = new JobRunner(logger.child({ module: 'jobs' }), config.timezone);
  registerTelemetryJobs(ctx, jobs);
  const broadcasts = wireBroadcasts(ctx, jobs);
  registerMediaJobs(ctx, jobs);

  let app: FastifyInstance | null = null;
  let started = false;
  let checkpoints: BackgroundCheckpoints | null = null;
  return {
    ctx,
    jobs,
    firstAdminPassword: firstAdmin.generatedPassword,
    get app() {
      return app;
    },
    async start(options = {}) {
      app = await buildApp(ctx);
      await app.ready();
      const httpPort = await listen(app.server, config.httpPort, config.httpHost, 'LOA_HTTP_PORT');
      checkpoints = startBackgroundCheckpoints(database.sqlite, logger.child({ module: 'db' }));
      ctx.presence.start();
      ctx.live.start();
      ctx.mqtt.on('telemetry', (deviceId, payload, receivedAt) => {
        if (!ctx.presence.isKnown(deviceId)) {
          ctx.metrics.payloadsDropped.inc({ kind: 'telemetry', reason: 'unknown_device' });
          return;
        }
        ctx.heartbeats.enqueue(deviceId, payload, receivedAt);
      });
      ctx.mqtt.on('state', (deviceId, payload, receivedAt) => ctx.presence.onState(deviceId, payload, receivedAt));
      broadcasts.start();
      await ctx.mqtt.start(options.mqttUrl);
      await ctx.media.start();
      jobs.start();
      started = true;
      logger.info({ httpPort, url: config.publicUrl }, 'controller started');
      return { httpPort };
    },
    async stop() {
      await jobs.stop();
      ctx.live.stop();
      // Kills running ffmpeg children; their jobs go back to the queue for the next start.
      await ctx.media.stop();
      if (started) {
        ctx.heartbeats.flush();
        ctx.presence.flush();
        await broadcasts.stop();
      }
      await ctx.mqtt.stop().catch(() => {});
      if (app) await app.close();
      await checkpoints?.stop();
      database.close();
    },
  };
}

function registerTelemetryJobs(ctx: ControllerContext, jobs: JobRunner): void {
  jobs.add('presence-sweep', '*/15 * * * * *', () => {
    ctx.presence.sweep();
  });
  jobs.add('telemetry-rollup', '*/5 * * * *', async () => {
    const run = await ctx.rollup.rollupRecent();
    ctx.logger.debug({ rows: run.rows, heartbeats: run.heartbeats, readMs: Math.round(run.readMs), writeMs: Math.round(run.writeMs) }, 'telemetry rolled up');
  });
  jobs.add('telemetry-retention', '17 3 * * *', () => {
    const removed = ctx.rollup.purgeRawOlderThan(ctx.config.telemetryRawRetentionDays);
    ctx.logger.info({ removed }, 'raw heartbeats past retention removed');
  });
  jobs.add('db-optimize', '23 * * * *', () => {
    ctx.database.sqlite.pragma('optimize');
  });
  jobs.add('session-purge', '41 * * * *', () => {
    ctx.sessions.purgeExpired();
  });
}

function registerMediaJobs(ctx: ControllerContext, jobs: JobRunner): void {
  // Unreferenced audio files past LOA_MEDIA_RETENTION_DAYS; files in use are never removed.
  jobs.add('media-retention', '23 4 * * *', async () => {
    await ctx.media.sweepRetention();
  });
}
