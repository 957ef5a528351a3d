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
  ffmpegPath: key('FFMPEG_PATH', undefined, str, 'ffmpeg binary for the media pipeline (default: the one shipped in @ffmpeg-installer/ffmpeg).'),
  ffprobePath: key('FFPROBE_PATH', undefined, str, 'ffprobe binary for upload checks (default: the one shipped in @ffprobe-installer/ffprobe).'),
  mediaMaxUploadMb: key('LOA_MEDIA_MAX_UPLOAD_MB', '200', int(1, 10_000), 'Largest audio upload, in MB; reading stops at the cap and the request gets 413.'),
  mediaMaxDurationS: key('LOA_MEDIA_MAX_DURATION_S', '7200', int(1, 86_400), 'Longest bulletin accepted, in seconds (default 2 h).'),
  mediaFormat: key('LOA_MEDIA_FORMAT', 'opus', oneOf('opus', 'mp3'), 'Delivery format of bulletins: opus (Ogg Opus, recommended for speech over weak 4G) or mp3.'),
  mediaBitrateKbps: key('LOA_MEDIA_BITRATE_KBPS', '24', int(8, 320), 'Delivery bitrate in kb/s (mono). 24 suits Opus speech; use 48–64 with mp3.'),
  mediaOpusComplexity: key('LOA_MEDIA_OPUS_COMPLEXITY', '5', int(0, 10), 'libopus encoder complexity 0–10: 5 halves the encoding cost of 10 with little audible difference on horn loudspeakers.'),
  mediaTargetLufs: key('LOA_MEDIA_TARGET_LUFS', '-16', num(-40, -5), 'Integrated loudness every bulletin is normalised to (EBU R128 two-pass loudnorm), in LUFS.'),
  mediaTargetLra: key('LOA_MEDIA_TARGET_LRA', '7', num(1, 20), 'Loudness range target for loudnorm, in LU (small: quiet passages stay audible outdoors).'),
  mediaTargetTruePeak: key('LOA_MEDIA_TARGET_TRUE_PEAK', '-2', num(-9, 0), 'Maximum true peak after normalisation, in dBTP (headroom for the lossy encoder).'),
  mediaTranscodeConcurrency: key('LOA_MEDIA_TRANSCODE_CONCURRENCY', '1', int(1, 64), 'Transcode jobs run at once (each is one low-priority ffmpeg process).'),
  mediaTranscodeNice: key('LOA_MEDIA_TRANSCODE_NICE', '10', int(0, 19), 'Scheduling niceness of ffmpeg transcode processes (higher = lower priority).'),
  mediaRetentionDays: key('LOA_MEDIA_RETENTION_DAYS', '30', int(0, 36_500), 'Days an audio file (delivery file or original) is kept after nothing references it any more.'),
  ttsProvider: key('LOA_TTS_PROVIDER', 'espeak', oneOf('espeak', 'http'), 'Text-to-speech provider: espeak (offline, Debian package espeak-ng) or http (a commercial service, see docs/media.md).'),
  ttsEspeakPath: key('LOA_TTS_ESPEAK_PATH', 'espeak-ng', str, 'espeak-ng binary (name on PATH or absolute path).'),
  ttsVoice: key('LOA_TTS_VOICE', 'vi', str, 'Default text-to-speech voice (espeak-ng: vi, vi-vn-x-central, vi-vn-x-south).'),
  ttsHttpUrl: key('LOA_TTS_HTTP_URL', undefined, url, 'Endpoint of the HTTP text-to-speech provider (LOA_TTS_PROVIDER=http).'),
  ttsHttpToken: key('LOA_TTS_HTTP_TOKEN', undefined, str, 'Bearer token sent to the HTTP text-to-speech provider.'),
  ttsHttpTimeoutS: key('LOA_TTS_HTTP_TIMEOUT_S', '60', int(1, 600), 'How long to wait for the HTTP text-to-speech provider, in seconds.'),
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
  if (raw.ttsProvider === 'http' && raw.ttsHttpUrl === undefined) {
    problems.push('LOA_TTS_HTTP_URL must be set when LOA_TTS_PROVIDER=http');
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
