// `loa start`, `loa broker`, `loa controller`: the long-running parts.
import type { BrokerIdentity } from '../broker/identity.js';
import { createLoaBroker, type LoaBroker, type LoaBrokerOptions } from '../broker/broker.js';
import { createHttpAuthenticate } from '../broker/standalone.js';
import type { Config } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { type PreparedController, prepareController } from '../controller/controller.js';
import type { DeviceCredentials } from '../controller/devices/credentials.js';
import { loadOrCreateServiceSecret } from '../controller/security/service-account.js';
import { configFromEnvironment, newLogger, stopOnSignals } from './runtime.js';

function brokerOptions(config: Readonly<Config>, logger: Logger) {
  return {
    logger,
    host: config.mqttHost,
    port: config.mqttPort,
    wsPort: config.mqttWsPort,
    tls: config.mqttTlsCert && config.mqttTlsKey ? { cert: config.mqttTlsCert, key: config.mqttTlsKey, port: config.mqttTlsPort } : undefined,
    maxPacketBytes: config.mqttMaxPacketBytes,
    drainTimeoutMs: config.mqttDrainTimeoutMs,
    connectBurst: config.mqttConnectBurst,
    connectRatePerS: config.mqttConnectRatePerS,
  };
}

export function inProcessAuthenticate(credentials: DeviceCredentials) {
  return async ({ username, password }: { username: string; password: string }): Promise<BrokerIdentity | null> => {
    const identity = await credentials.verify(username, password);
    if (!identity) return null;
    return identity.kind === 'service' ? { kind: 'service', name: identity.name } : { kind: 'device', deviceId: identity.deviceId, areaCodes: identity.areaCodes };
  };
}

function banner(config: Readonly<Config>, ports: { http?: number; mqtt?: number }, adminPassword: string | null): void {
  const lines = ['', 'Loa is running.'];
  if (ports.http !== undefined) lines.push(`  Web console and API : ${config.publicUrl}   (API docs: ${config.publicUrl}/docs)`);
  if (ports.mqtt !== undefined) lines.push(`  MQTT broker         : mqtt://${config.mqttHost}:${ports.mqtt}`);
  if (adminPassword) {
    lines.push(
      '',
      '  First start: a province administrator account was created.',
      '    username: admin',
      `    password: ${adminPassword}`,
      '  This password is shown only now. Sign in and change it (or set LOA_ADMIN_PASSWORD before the first start).',
    );
  }
  lines.push('  Add a loudspeaker cluster: npx loa device add --commune 01858 --json > agent.json', '');
  console.log(lines.join('\n'));
}

/**
 * The broker in this process beside a prepared controller, both started — what `loa start` runs
 * (the benchmarks run it too). On failure whatever started is stopped again.
 */
export async function startInProcess(
  controller: PreparedController,
  config: Readonly<Config>,
  logger: Logger,
  brokerOverrides: Partial<LoaBrokerOptions> = {},
): Promise<{ broker: LoaBroker; mqttPort: number; mqttUrl: string; httpPort: number }> {
  const broker = createLoaBroker({ ...brokerOptions(config, logger), authenticate: inProcessAuthenticate(controller.ctx.credentials), ...brokerOverrides });
  let mqttPort: number;
  try {
    ({ mqttPort } = await broker.start());
  } catch (err) {
    await controller.stop();
    throw err;
  }
  controller.ctx.broker = broker;
  // The controller reaches the in-process broker over loopback MQTT, like any other client.
  const host = ['0.0.0.0', '::', ''].includes(config.mqttHost) ? '127.0.0.1' : config.mqttHost;
  const mqttUrl = `mqtt://${host.includes(':') ? `[${host}]` : host}:${mqttPort}`;
  try {
    const { httpPort } = await controller.start({ mqttUrl });
    return { broker, mqttPort, mqttUrl, httpPort };
  } catch (err) {
    await controller.stop();
    await broker.stop();
    throw err;
  }
}

export async function startAll(): Promise<void> {
  const config = configFromEnvironment();
  const logger = newLogger(config, 'loa');
  const controller = await prepareController(config, logger);
  const { broker, mqttPort, httpPort } = await startInProcess(controller, config, logger);
  banner(config, { http: httpPort, mqtt: mqttPort }, controller.firstAdminPassword);
  stopOnSignals(async () => {
    await controller.stop();
    await broker.stop();
  }, logger);
}

export async function startBroker(): Promise<void> {
  const config = configFromEnvironment();
  const logger = newLogger(config, 'loa-broker');
  const service = loadOrCreateServiceSecret(config.paths.secrets, config.serviceSecret);
  const authenticate = createHttpAuthenticate({ controllerUrl: config.controllerUrl, serviceName: service.username, serviceSecret: service.secret, logger });
  const broker = createLoaBroker({ ...brokerOptions(config, logger), authenticate, forgetCredentials: authenticate.forget });
  const { mqttPort } = await broker.start();
  banner(config, { mqtt: mqttPort }, null);
  stopOnSignals(() => broker.stop(), logger);
}

export async function startController(): Promise<void> {
  const config = configFromEnvironment();
  const logger = newLogger(config, 'loa-controller');
  const controller = await prepareController(config, logger);
  const { httpPort } = await controller.start();
  banner(config, { http: httpPort }, controller.firstAdminPassword);
  stopOnSignals(() => controller.stop(), logger);
}
