// Loa's broker alone in its own process, as the broker-vs-mosquitto scenario measures it: a real
// Loa database (migrations, the Bắc Kạn registry), devices provisioned with hashed secrets, the
// in-process credential check `loa start` uses, and the topic ACL. The controller is prepared
// (database, credentials) but not started, so no controller subscription adds work that
// Mosquitto would not do.
import path from 'node:path';
import { createLoaBroker } from '../../broker/broker.js';
import { inProcessAuthenticate } from '../../cli/serve.js';
import { prepareController } from '../../controller/controller.js';
import { loadConfig } from '../../platform/config.js';
import { silentLogger } from '../../platform/logger.js';
import { serveJob } from './host.js';

export interface LoaBrokerJob {
  dataDir: string;
  devices: number;
}

export interface LoaBrokerReady {
  port: number;
  devices: Array<{ deviceId: string; secret: string }>;
  service: { username: string; secret: string };
}

serveJob<LoaBrokerJob, LoaBrokerReady>(async (job) => {
  const config = loadConfig({ LOA_DATA_DIR: path.resolve(job.dataDir), LOA_LOG_LEVEL: 'silent', LOA_MQTT_PORT: '0', LOA_HTTP_PORT: '0' });
  const controller = await prepareController(config, silentLogger);
  const communes = controller.ctx.units.all().filter((u) => u.level === 'commune');
  const devices: LoaBrokerReady['devices'] = [];
  for (let i = 0; i < job.devices; i++) {
    const { device, secret } = await controller.ctx.devices.provision({ communeCode: communes[i % communes.length]!.code });
    devices.push({ deviceId: device.id, secret });
  }
  const broker = createLoaBroker({
    authenticate: inProcessAuthenticate(controller.ctx.credentials),
    logger: silentLogger,
    host: '127.0.0.1',
    port: 0,
    maxPacketBytes: config.mqttMaxPacketBytes,
    drainTimeoutMs: config.mqttDrainTimeoutMs,
    // The load comes from one address; the per-address connect limit is not what is measured.
    connectBurst: 10_000,
    connectRatePerS: 10_000,
  });
  const { mqttPort } = await broker.start();
  return {
    ready: { port: mqttPort, devices, service: { ...controller.ctx.serviceAccount } },
    async stop() {
      await broker.stop();
      await controller.stop();
    },
  };
});
