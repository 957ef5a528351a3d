// Configuration: every LOA_* key in one table (name, default, parser, documentation), checked
// once at start-up with every problem reported together, then frozen. `.env.example` and the
// README table are checked against this table by platform/config.test.ts.
import path from 'node:path';

type Parser<T> = (raw: string) => T;

interface KeySpec<T, D extends string | undefined = string | undefined> {
  env: string;
  /** `undefined` means the key is optional and has no default. */
  default: D;
  parse: Parser<T>;
  doc: string;
}

const int =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`expected an integer from ${min} to ${max}`);
    return n;
  };
const num =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`expected a number from ${min} to ${max}`);
    return n;
  };
const port = int(0, 65535);
const str: Parser<string> = (raw) => raw;
const url: Parser<string> = (raw) => {
  const u = new URL(raw);
  return u.toString().replace(/\/$/, '');
};
const oneOf =
  <const T extends string>(...values: T[]): Parser<T> =>
  (raw) => {
    if (!(values as string[]).includes(raw)) throw new Error(`expected one of ${values.join(', ')}`);
    return raw as T;
  };
const timeZone: Parser<string> = (raw) => {
  new Intl.DateTimeFormat('en', { timeZone: raw });
  return raw;
};

const key = <T, D extends string | undefined>(env: string, def: D, parse: Parser<T>, doc: string): KeySpec<T, D> => ({
  env,
  default: def,
  parse,
  doc,
});

export const CONFIG_KEYS = {
  dataDir: key('LOA_DATA_DIR', './data', str, 'Folder for the SQLite database, media files and generated service secrets.'),
  logLevel: key('LOA_LOG_LEVEL', 'info', oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'), 'pino log level.'),
  httpHost: key('LOA_HTTP_HOST', '0.0.0.0', str, 'Address the web console and API listen on.'),
  httpPort: key('LOA_HTTP_PORT', '8080', port, 'Port of the web console and API.'),
  publicUrl: key('LOA_PUBLIC_URL', undefined, url, 'URL at which browsers and agents reach the controller (default http://<host name>:LOA_HTTP_PORT).'),
  mqttHost: key('LOA_MQTT_HOST', '0.0.0.0', str, 'Address the MQTT broker listens on.'),
  mqttPort: key('LOA_MQTT_PORT', '1883', port, 'MQTT (TCP) port of the broker.'),
  mqttWsPort: key('LOA_MQTT_WS_PORT', undefined, port, 'MQTT over WebSocket port; unset = off.'),
  mqttTlsPort: key('LOA_MQTT_TLS_PORT', '8883', port, 'MQTT over TLS port, used when LOA_MQTT_TLS_CERT and LOA_MQTT_TLS_KEY are set.'),
  mqttTlsCert: key('LOA_MQTT_TLS_CERT', undefined, str, 'PEM certificate file for MQTT over TLS.'),
  mqttTlsKey: key('LOA_MQTT_TLS_KEY', undefined, str, 'PEM private key file for MQTT over TLS.'),
  mqttUrl: key('LOA_MQTT_URL', undefined, url, 'Broker the controller connects to when run alone (default mqtt://127.0.0.1:LOA_MQTT_PORT).'),
  publicMqttUrl: key('LOA_PUBLIC_MQTT_URL', undefined, url, 'Broker URL written into agent configs (default mqtt://<host of LOA_PUBLIC_URL>:LOA_MQTT_PORT).'),
  controllerUrl: key('LOA_CONTROLLER_URL', undefined, url, 'Controller a standalone broker asks to check credentials (default http://127.0.0.1:LOA_HTTP_PORT).'),
  serviceSecret: key('LOA_SERVICE_SECRET', undefined, str, "The controller's MQTT service secret; generated into LOA_DATA_DIR on first start when unset."),
  mqttConnectBurst: key('LOA_MQTT_CONNECT_BURST', '200', int(1, 1_000_000), 'Connection attempts one address may make at once before it is rate-limited.'),
  mqttConnectRatePerS: key('LOA_MQTT_CONNECT_RATE', '20', num(0.01, 1_000_000), 'Sustained connection attempts per second allowed from one address (4G carriers put many clusters behind one address).'),
  mqttDrainTimeoutMs: key('LOA_MQTT_DRAIN_TIMEOUT_MS', '30000', int(1000, 600_000), 'A client whose socket does not drain within this time is disconnected, so it cannot stall delivery to others.'),
  mqttMaxPacketBytes: key('LOA_MQTT_MAX_PACKET_BYTES', '1100000', int(1024, 268_435_455), 'Largest MQTT packet accepted; larger ones close the connection.'),
  adminPassword: key('LOA_ADMIN_PASSWORD', undefined, str, 'Password for the first province admin (username admin) on first start; generated and printed once when unset.'),
  timezone: key('LOA_TIMEZONE', 'Asia/Ho_Chi_Minh', timeZone, 'Time zone for schedules, days and reports.'),
  heartbeatIntervalS: key('LOA_HEARTBEAT_INTERVAL_S', '30', int(5, 3600), 'Heartbeat interval written into new agent configs and manifests.'),
  offlineAfterMissedHeartbeats: key('LOA_OFFLINE_AFTER_MISSED_HEARTBEATS', '3', int(2, 100), 'A device online in MQTT terms but silent for this many heartbeat intervals is marked offline.'),
  silentThresholdMin: key('LOA_SILENT_THRESHOLD_MIN', '60', int(1, 43_200), 'A station whose clusters have all been silent (no state, no heartbeat) this many minutes is listed as silent on the overview.'),
  liveKeepAliveS: key('LOA_LIVE_KEEPALIVE_S', '20', int(1, 300), "Seconds between keep-alive lines on the console's live event stream; the stream's session is re-checked at the same pace."),
  clockOffsetAlarmMs: key('LOA_CLOCK_OFFSET_ALARM_MS', '500', int(1, 3_600_000), 'A cluster whose clock is off from the controller by more than this is flagged (clockAlarm).'),
  telemetryRawRetentionDays: key('LOA_TELEMETRY_RAW_RETENTION_DAYS', '7', int(1, 3650), 'Days raw heartbeats are kept; daily rollups are kept for good.'),
  cookieSecure: key('LOA_COOKIE_SECURE', 'auto', oneOf('auto', 'true', 'false'), 'Mark the session cookie Secure: auto = when LOA_PUBLIC_URL is https.'),
  sessionTtlHours: key('LOA_SESSION_TTL_HOURS', '12', int(1, 24 * 90), 'A session ends this many hours after sign-in.'),
  scheduleHorizonDays: key('LOA_SCHEDULE_HORIZON_DAYS', '7', int(1, 60), 'Days ahead that schedules are expanded into occurrences and sent to clusters in their manifests.'),
  commandTtlS: key('LOA_COMMAND_TTL_S', '600', int(10, 7 * 86_400), 'Default lifetime of a cluster command; a pending command is re-sent on reconnect until answered or expired.'),
  emergencyTtlS: key('LOA_EMERGENCY_TTL_S', '1800', int(60, 86_400), 'How long an emergency broadcast stays active: clusters that come online within it still receive and play it.'),
  deviceDefaultVolume: key('LOA_DEVICE_DEFAULT_VOLUME', '80', int(0, 100), 'Volume (0-100) sent to clusters in their manifest config, used when an item sets none.'),
  ampPowerLeadS: key('LOA_AMP_POWER_LEAD_S', '3', int(0, 600), 'Seconds before playback that clusters switch their amplifier on (manifest config).'),
  agentCacheMaxMb: key('LOA_AGENT_CACHE_MAX_MB', '2048', int(16, 1_000_000), 'Media cache size limit sent to clusters in their manifest config (MB).'),
} as const;

type Keys = typeof CONFIG_KEYS;
type ValueOf<K extends keyof Keys> = Keys[K] extends KeySpec<infer T, infer _D> ? T : never;
type RawConfig = { [K in keyof Keys]: Keys[K]['default'] extends string ? ValueOf<K> : ValueOf<K> | undefined };

export interface Config extends Omit<RawConfig, 'publicUrl' | 'mqttUrl' | 'publicMqttUrl' | 'controllerUrl'> {
  publicUrl: string;
  mqttUrl: string;
  publicMqttUrl: string;
  controllerUrl: string;
  /** Absolute paths derived from dataDir. */
  paths: { dataDir: string; database: string; secrets: string; media: string };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const problems: string[] = [];
  const raw: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(CONFIG_KEYS) as [string, KeySpec<unknown>][]) {
    const given = env[spec.env];
    const value = given === undefined || given === '' ? spec.default : given;
    if (value === undefined) continue;
    try {
      raw[name] = spec.parse(value);
    } catch (err) {
      problems.push(`${spec.env}=${JSON.stringify(value)}: ${(err as Error).message}`);
    }
  }
  if ((raw.mqttTlsCert === undefined) !== (raw.mqttTlsKey === undefined)) {
    problems.push('LOA_MQTT_TLS_CERT and LOA_MQTT_TLS_KEY must be set together');
  }
  if (raw.adminPassword !== undefined && String(raw.adminPassword).length < 12) {
    problems.push('LOA_ADMIN_PASSWORD: must be at least 12 characters');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const base = raw as RawConfig;
  const dataDir = path.resolve(base.dataDir);
  const publicUrl = base.publicUrl ?? `http://localhost:${base.httpPort}`;
  const config: Config = {
    ...base,
    publicUrl,
    mqttUrl: base.mqttUrl ?? `mqtt://127.0.0.1:${base.mqttPort}`,
    publicMqttUrl: base.publicMqttUrl ?? `mqtt://${new URL(publicUrl).hostname}:${base.mqttPort}`,
    controllerUrl: base.controllerUrl ?? `http://127.0.0.1:${base.httpPort}`,
    paths: {
      dataDir,
      database: path.join(dataDir, 'loa.sqlite'),
      secrets: path.join(dataDir, 'secrets'),
      media: path.join(dataDir, 'media'),
    },
  };
  return Object.freeze(config);
}
