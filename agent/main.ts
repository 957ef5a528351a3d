// Entry for `loa agent --config FILE`: load the config, run the agent until SIGTERM/SIGINT,
// stop cleanly (retained `shutdown` state) and report the exit code. The CLI exits with it:
//   process.exit(await runAgent(options.config))
import { mkdir } from 'node:fs/promises';
import type { Logger } from '../platform/logger.js';
import { Agent, type AgentDeps } from './agent.js';
import { AgentConfigError, loadAgentConfig } from './config.js';
import { createAgentLogger } from './logger.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
/** EX_CONFIG from sysexits.h; the systemd unit lists it in RestartPreventExitStatus so a bad file does not loop. */
export const EXIT_CONFIG = 78;
/** EX_TEMPFAIL: the `restart` command. The unit's Restart=always starts the agent again. */
export const EXIT_RESTART = 75;

export interface RunAgentOptions {
  logger?: Logger;
  /** Stop when this aborts, in addition to SIGTERM/SIGINT (embedding, tests). */
  signal?: AbortSignal;
  /** Listen for SIGTERM/SIGINT (default true). */
  handleSignals?: boolean;
  /** Called once the agent exists, before it starts (tests, embedding). */
  onAgent?: (agent: Agent) => void;
  deps?: Omit<AgentDeps, 'logger'>;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Runs the agent until told to stop; resolves with the process exit code. */
export async function runAgent(configPath: string, options: RunAgentOptions = {}): Promise<number> {
  const requested = process.env.LOA_LOG_LEVEL ?? 'info';
  const logger = options.logger ?? createAgentLogger(LEVELS.includes(requested) ? requested : 'info');
  if (!LEVELS.includes(requested)) logger.warn({ LOA_LOG_LEVEL: requested, expected: LEVELS }, 'unknown log level; using info');
  let config: ReturnType<typeof loadAgentConfig>;
  try {
    config = loadAgentConfig(configPath);
    await mkdir(config.dataDir, { recursive: true });
  } catch (err) {
    if (err instanceof AgentConfigError) {
      logger.fatal({ file: err.file, problems: err.problems }, err.message);
      return EXIT_CONFIG;
    }
    logger.fatal({ err }, 'cannot prepare the agent data folder');
    return EXIT_FAILURE;
  }

  const agent = new Agent(config, { ...options.deps, logger });
  options.onAgent?.(agent);
  const stopRequested = waitForStop(logger, options.signal, options.handleSignals ?? true);
  let restart = false;
  agent.onRestartRequested(() => {
    restart = true;
    stopRequested.stop();
  });
  let code = EXIT_OK;
  try {
    await Promise.race([agent.start(), stopRequested.promise]);
    await stopRequested.promise;
    if (restart) code = EXIT_RESTART;
  } catch (err) {
    logger.fatal({ err }, 'agent failed');
    code = EXIT_FAILURE;
  } finally {
    // From here a second SIGTERM/SIGINT gets Node's default and ends the process at once — the
    // way out if stopping hangs (each step has its own timeout, so it should not).
    stopRequested.dispose();
    await agent.stop(restart ? 'restart' : 'shutdown');
  }
  logger.info({ code }, 'agent exiting');
  return code;
}

function waitForStop(logger: Logger, abort: AbortSignal | undefined, handleSignals: boolean) {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  const onSignal = (signal: string) => {
    logger.info({ signal }, 'stop requested');
    resolve();
  };
  const onAbort = () => onSignal('abort');
  if (handleSignals) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  if (abort?.aborted) resolve();
  abort?.addEventListener('abort', onAbort, { once: true });
  return {
    promise,
    stop: resolve,
    dispose() {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      abort?.removeEventListener('abort', onAbort);
    },
  };
}
