// The agent's logger: pino writing JSON lines straight to stdout (the journal keeps them). Never
// a transport — pino-pretty runs in a worker thread that costs the cluster ~10 MB of its 60 MB
// idle budget; to read logs pretty, pipe them: `journalctl -u loa-agent -o cat | npx pino-pretty`.
import pino, { type Logger } from 'pino';

export function createAgentLogger(level: string): Logger {
  return pino({
    name: 'loa-agent',
    level,
    redact: { paths: ['password', 'secret', '*.password', '*.secret'], remove: true },
  });
}
