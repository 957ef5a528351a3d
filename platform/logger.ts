// One pino root logger per process; parts take child loggers tagged with their module.
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'loa'): Logger {
  // Pretty output only when a person watches a terminal; JSON lines everywhere else.
  const pretty = process.stdout.isTTY && level !== 'silent';
  return pino({
    name,
    level,
    redact: { paths: ['password', 'secret', '*.password', '*.secret', 'req.headers.authorization', 'req.headers.cookie'], remove: true },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  });
}

/** A logger that writes nothing, for tests and libraries used without a logger. */
export const silentLogger: Logger = pino({ level: 'silent' });
