// The agent's public surface, for the CLI and for the modules of later phases.
export { Agent, type AgentDeps, type AgentModule, type StopReason } from './agent.js';
export { type BackoffPolicy, backoffDelay, RECONNECT_BACKOFF, REFUSED_BACKOFF } from './backoff.js';
export { type Clock, type Random, systemClock } from './clock.js';
export {
  type AgentConfig,
  AgentConfigError,
  type AgentConfigFile,
  AgentConfigSchema,
  loadAgentConfig,
  parseAgentConfig,
  type PlayerKind,
  type PowerConfig,
} from './config.js';
export { DEFAULT_DEVICE_STATE, DeviceState, type DeviceStateSnapshot, type Playing, type PowerState } from './device-state.js';
export { type DropReason, type InboundDrop, INBOUND_KINDS, type InboundHandler, type InboundKind, type InboundMeta } from './inbound.js';
export { type ConnectListener, Link, type LinkOptions, type LinkStats } from './link.js';
export { OUTBOUND, type OutboundKind } from './wire.js';
export { EXIT_CONFIG, EXIT_FAILURE, EXIT_OK, EXIT_RESTART, type RunAgentOptions, runAgent } from './main.js';
export { Playback, type PlaybackDeps } from './playback/playback.js';
export type { PlayEnd, Player, PlayRequest, PreparedPlayback } from './playback/players/player.js';
export { Telemetry, type TelemetryProviders } from './telemetry.js';
export { agentVersion } from './version.js';
