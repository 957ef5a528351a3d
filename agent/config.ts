// The agent's configuration file (JSON). The controller's `loa device add --json` prints
// `{deviceId, secret, agentConfig}` where `agentConfig` is exactly this shape, so the schema is
// exported for it to check what it prints. Checked once at start-up with every problem
// reported together (conventions, "Validate once, at every boundary"), then frozen.
import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AREA_CODE_PATTERN, DEVICE_ID_PATTERN } from '../shared/topics.js';

/** `hint` is our own schema keyword: the sentence a person reads when the field is wrong. */
const hinted = <T extends TSchema>(schema: T, hint: string): T => Object.assign(schema, { hint });

export const PLAYERS = ['alsa', 'null', 'file'] as const;
export type PlayerKind = (typeof PLAYERS)[number];

const powerDrivers = [
  Type.Object({ driver: Type.Literal('none') }, { additionalProperties: false }),
  Type.Object(
    { driver: Type.Literal('command'), on: Type.String({ minLength: 1 }), off: Type.String({ minLength: 1 }) },
    { additionalProperties: false },
  ),
];
const POWER_HINT = 'expected {"driver":"none"} or {"driver":"command","on":"<shell command>","off":"<shell command>"}';
export const PowerConfigSchema = hinted(Type.Union(powerDrivers), POWER_HINT);
export type PowerConfig = Static<typeof PowerConfigSchema>;

const AreaCode = hinted(
  Type.String({ pattern: AREA_CODE_PATTERN.source }),
  'expected a GSO code: 2 (province), 3 (district) or 5 (commune) digits',
);

/** The file as written: optional fields may be left out and take their defaults. */
export const AgentConfigSchema = Type.Object(
  {
    deviceId: hinted(
      Type.String({ pattern: DEVICE_ID_PATTERN.source }),
      'expected 1-64 letters, digits, "_" or "-", starting with a letter or digit',
    ),
    // Never echoed in error messages; the controller generates it, a person never types it.
    secret: hinted(
      Type.String({ minLength: 16, maxLength: 512 }),
      'expected the secret printed by `loa device add` (at least 16 characters)',
    ),
    brokerUrl: hinted(
      Type.String({ pattern: '^(mqtt|mqtts|ws|wss)://[^\\s]+$' }),
      'expected an mqtt://, mqtts://, ws:// or wss:// URL',
    ),
    controllerUrl: hinted(Type.String({ pattern: '^https?://[^\\s]+$' }), 'expected an http:// or https:// URL'),
    areaCodes: hinted(
      Type.Array(AreaCode, { minItems: 1, maxItems: 8, uniqueItems: true }),
      'expected the GSO codes of the commune, district and province, e.g. ["01834","058","06"]',
    ),
    dataDir: hinted(
      Type.String({ minLength: 1 }),
      'expected a folder path (a relative path is taken from the config file folder)',
    ),
    heartbeatIntervalS: Type.Optional(
      hinted(Type.Integer({ minimum: 1, maximum: 3600, default: 30 }), 'expected whole seconds from 1 to 3600 (default 30)'),
    ),
    player: Type.Optional(
      hinted(Type.Union(PLAYERS.map((p) => Type.Literal(p)), { default: 'alsa' }), `expected one of ${PLAYERS.join(', ')}`),
    ),
    alsaDevice: Type.Optional(hinted(Type.String({ minLength: 1 }), 'expected an ALSA device name, e.g. "default" or "hw:0,0"')),
    power: Type.Optional(hinted(Type.Union(powerDrivers, { default: { driver: 'none' } }), POWER_HINT)),
    tlsCaFile: Type.Optional(hinted(Type.String({ minLength: 1 }), 'expected a path to a PEM CA certificate file')),
  },
  // Closed: a misspelt key (`heartbeatInterval`) is reported instead of silently ignored.
  { additionalProperties: false },
);
export type AgentConfigFile = Static<typeof AgentConfigSchema>;

/** The configuration after defaults are applied and paths resolved. Also a valid file. */
export interface AgentConfig extends AgentConfigFile {
  heartbeatIntervalS: number;
  player: PlayerKind;
  power: PowerConfig;
}

export class AgentConfigError extends Error {
  readonly code = 'AGENT_CONFIG_INVALID';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`invalid agent config ${file}:\n  ${problems.join('\n  ')}`);
    this.name = 'AgentConfigError';
  }
}

function describe(pointer: string): string {
  return pointer.replace(/^\//, '').replace(/\//g, '.') || '(top level)';
}

function problemsOf(value: unknown): string[] {
  const problems = new Map<string, string>();
  for (const error of Value.Errors(AgentConfigSchema, value)) {
    const field = describe(error.path);
    if (error.message === 'Expected required property') {
      problems.set(field, `${field}: missing (required)`);
      continue;
    }
    if (error.message === 'Unexpected property') {
      problems.set(field, `${field}: unknown field (check the spelling)`);
      continue;
    }
    // The first complaint per field is the useful one; nested union members add noise.
    const owner = [...problems.keys()].find((f) => field === f || field.startsWith(`${f}.`));
    if (owner) continue;
    const hint = (error.schema as { hint?: string }).hint ?? error.message;
    const shown = field === 'secret' ? '' : ` (got ${JSON.stringify(error.value)})`;
    problems.set(field, `${field}: ${hint}${shown}`);
  }
  return [...problems.values()];
}

/**
 * Checks a parsed config object. Relative paths (dataDir, tlsCaFile) are resolved from
 * `baseDir`, normally the folder of the config file, so the result does not depend on the
 * working directory a service manager happens to start us in.
 */
export function parseAgentConfig(raw: unknown, baseDir: string, file = '(config)'): Readonly<AgentConfig> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new AgentConfigError(file, ['expected a JSON object at the top level']);
  }
  const config = Value.Default(AgentConfigSchema, structuredClone(raw)) as AgentConfig;
  const problems = problemsOf(config);
  // Checks the schema cannot express, on the fields that passed it, so that one run still
  // reports everything that is wrong.
  const fine = (field: string) => !problems.some((p) => p.startsWith(`${field}:`));
  for (const key of ['brokerUrl', 'controllerUrl'] as const) {
    if (fine(key) && !URL.canParse(config[key])) problems.push(`${key}: not a valid URL (got ${JSON.stringify(config[key])})`);
  }
  if (fine('dataDir')) config.dataDir = path.resolve(baseDir, config.dataDir);
  if (config.tlsCaFile !== undefined && fine('tlsCaFile')) {
    config.tlsCaFile = path.resolve(baseDir, config.tlsCaFile);
    try {
      accessSync(config.tlsCaFile, constants.R_OK);
    } catch {
      problems.push(`tlsCaFile: cannot read ${config.tlsCaFile}`);
    }
  }
  if (problems.length > 0) throw new AgentConfigError(file, problems);
  return Object.freeze({ ...config, areaCodes: Object.freeze([...config.areaCodes]) as string[] });
}

/** Reads, parses and checks the config file; every problem is in the thrown AgentConfigError. */
export function loadAgentConfig(file: string): Readonly<AgentConfig> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new AgentConfigError(absolute, [`cannot read the file: ${why}`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new AgentConfigError(absolute, [`not valid JSON: ${(err as Error).message}`]);
  }
  return parseAgentConfig(raw, path.dirname(absolute), absolute);
}
