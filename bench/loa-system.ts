// A whole Loa in the bench's own process on loopback (free ports): a fresh data folder with the
// real migrations and the Bắc Kạn registry, the in-process broker and the controller — what
// `loa start` runs. For scenarios whose measured party is another process (an agent).
import path from 'node:path';
import type { LoaBroker } from '../broker/broker.js';
import { startInProcess } from '../cli/serve.js';
import { type PreparedController, prepareController } from '../controller/controller.js';
import type { AgentConfigFile } from '../controller/devices/devices.service.js';
import { loadConfig } from '../platform/config.js';
import { silentLogger } from '../platform/logger.js';

export interface BenchLoa {
  controller: PreparedController;
  broker: LoaBroker;
  httpUrl: string;
  mqttUrl: string;
  /** Provisions a cluster in `communeCode` and returns its agent config, pointed at this Loa. */
  provision(communeCode: string, agentDataDir: string): Promise<AgentConfigFile>;
  /** Resolves when `deviceId` publishes its online state. */
  online(deviceId: string): Promise<void>;
  close(): Promise<void>;
}

export async function startBenchLoa(dataDir: string, env: Record<string, string> = {}): Promise<BenchLoa> {
  const config = loadConfig({
    LOA_DATA_DIR: path.resolve(dataDir),
    LOA_HTTP_HOST: '127.0.0.1',
    LOA_HTTP_PORT: '0',
    LOA_MQTT_HOST: '127.0.0.1',
    LOA_MQTT_PORT: '0',
    LOA_LOG_LEVEL: 'silent',
    ...env,
  });
  const controller = await prepareController(config, silentLogger);
  const { broker, mqttUrl, httpPort } = await startInProcess(controller, config, silentLogger);
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const waiting = new Map<string, () => void>();
  controller.ctx.mqtt.on('state', (deviceId, payload) => {
    if (payload.online) waiting.get(deviceId)?.();
  });
  return {
    controller,
    broker,
    httpUrl,
    mqttUrl,
    async provision(communeCode, agentDataDir) {
      const { agentConfig } = await controller.ctx.devices.provision({ communeCode });
      return { ...agentConfig, brokerUrl: mqttUrl, controllerUrl: httpUrl, dataDir: path.resolve(agentDataDir), player: 'null' };
    },
    online(deviceId) {
      return new Promise((resolve) => waiting.set(deviceId, resolve));
    },
    async close() {
      await controller.stop();
      await broker.stop();
    },
  };
}
