// What every CLI command needs: configuration (checked, every problem printed), a logger,
// a clean exit on SIGTERM/SIGINT, and errors a person can act on.
import { existsSync } from 'node:fs';
import { ConfigError, type Config, loadConfig } from '../platform/config.js';
import { PortInUseError } from '../platform/listen.js';
import { createLogger, type Logger } from '../platform/logger.js';

/** Reads `.env` from the working directory when present (Node's own loader), then LOA_* variables. */
export function configFromEnvironment(): Readonly<Config> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return loadConfig(process.env);
}

export function fail(message: string, code = 1): never {
  console.error(`loa: ${message}`);
  process.exit(code);
}

/** Runs a command, turning known errors into one clear line instead of a stack trace. */
export async function run(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 2);
    if (err instanceof PortInUseError) fail(err.message, 3);
    if ((err as { code?: string }).code === 'SQLITE_BUSY') fail('the database is busy (another process holds a write lock); try again');
    const e = err as Error & { code?: string; params?: unknown };
    if (e.name === 'AppError') fail(`${e.code}: ${e.message}`);
    console.error(err);
    process.exit(1);
  }
}

export function newLogger(config: Readonly<Config>, name: string): Logger {
  return createLogger(config.logLevel, name);
}

/** Calls `stop` once on SIGTERM or SIGINT, then exits; a second signal exits at once. */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    logger.info({ signal }, 'stopping');
    stop()
      .then(() => process.exit(0))
      .catch((err) => {
        logger.error({ err }, 'stop failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
