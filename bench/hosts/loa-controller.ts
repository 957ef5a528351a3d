// A whole Loa (controller + in-process broker, as `loa start` runs them) on free ports in its own
// process, over a data folder prepared by the api scenario. Answers `{ httpUrl }` when listening.
import path from 'node:path';
import { startInProcess } from '../../cli/serve.js';
import { prepareController } from '../../controller/controller.js';
import { loadConfig } from '../../platform/config.js';
import { silentLogger } from '../../platform/logger.js';
import { serveJob } from './host.js';

export interface LoaControllerJob {
  dataDir: string;
  /**
   * A restarted controller closes every cluster it had online (`controller_restart`) until their
   * next heartbeat; simulated clusters send none, so their online flags are put back, as the
   * first heartbeats would.
   */
  restoreOnline: boolean;
}

serveJob<LoaControllerJob, { httpUrl: string }>(async (job) => {
  const config = loadConfig({
    LOA_DATA_DIR: path.resolve(job.dataDir),
    LOA_HTTP_HOST: '127.0.0.1',
    LOA_HTTP_PORT: '0',
    LOA_MQTT_HOST: '127.0.0.1',
    LOA_MQTT_PORT: '0',
    LOA_LOG_LEVEL: 'silent',
  });
  const controller = await prepareController(config, silentLogger);
  const sqlite = controller.ctx.database.sqlite;
  const online = (sqlite.prepare('SELECT id, last_seen_at AS lastSeenAt FROM devices WHERE online = 1').all() as { id: string; lastSeenAt: number }[]);
  const { broker, httpPort } = await startInProcess(controller, config, silentLogger);
  if (job.restoreOnline) {
    const restore = sqlite.prepare('UPDATE devices SET online = 1, last_seen_at = ? WHERE id = ?');
    sqlite.transaction(() => {
      for (const d of online) restore.run(d.lastSeenAt, d.id);
    })();
  }
  return {
    ready: { httpUrl: `http://127.0.0.1:${httpPort}` },
    async stop() {
      await controller.stop();
      await broker.stop();
    },
  };
});
