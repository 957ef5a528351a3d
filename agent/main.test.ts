import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../platform/logger.js';
import { PACKAGE_ROOT } from '../platform/paths.js';
import { encode } from '../shared/decode.js';
import { topics } from '../shared/topics.js';
import type { Agent } from './agent.js';
import { EXIT_CONFIG, EXIT_OK, EXIT_RESTART, runAgent } from './main.js';
import { CONTROLLER, connectController, on, startTestBroker, type TestBroker } from './test-support.js';

const DEVICE = 'cluster-main-1';
const SECRET = 'device-secret-0123456789';

describe('runAgent', () => {
  let broker: TestBroker;
  let dir: string;
  beforeEach(async () => {
    broker = await startTestBroker({ [CONTROLLER.username]: CONTROLLER.password, [DEVICE]: SECRET });
    dir = mkdtempSync(path.join(os.tmpdir(), 'loa-agent-main-'));
  });
  afterEach(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const writeConfig = (config: Record<string, unknown>) => {
    const file = path.join(dir, 'agent.json');
    writeFileSync(file, JSON.stringify(config));
    return file;
  };
  const goodConfig = () => ({
    deviceId: DEVICE,
    secret: SECRET,
    brokerUrl: broker.url,
    controllerUrl: 'http://127.0.0.1:8080',
    areaCodes: ['01834', '058', '06'],
    dataDir: 'data',
    player: 'null',
  });

  it('runs until SIGTERM, then stops cleanly with exit code 0', async () => {
    const before = process.listeners('SIGTERM');
    const beforeInt = process.listeners('SIGINT');
    let agent: Agent | undefined;
    const exit = runAgent(writeConfig(goodConfig()), { logger: silentLogger, onAgent: (a) => (agent = a) });
    await broker.published.next(on(topics.state(DEVICE), { online: true }));
    expect(agent?.config.dataDir).toBe(path.join(dir, 'data'));
    const pkg = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(agent?.version).toBe(pkg.version);

    // Call our handler directly: emitting a real SIGTERM would also reach the test runner's own handlers.
    const added = process.listeners('SIGTERM').filter((l) => !before.includes(l));
    expect(added).toHaveLength(1);
    expect(process.listeners('SIGINT').filter((l) => !beforeInt.includes(l))).toHaveLength(1);
    (added[0] as (signal: string) => void)('SIGTERM');
    await expect(exit).resolves.toBe(EXIT_OK);
    expect(broker.published.messages.some(on(topics.state(DEVICE), { reason: 'shutdown' }))).toBe(true);
    expect(process.listeners('SIGTERM')).toEqual(before);
    expect(process.listeners('SIGINT')).toEqual(beforeInt);
  });

  it('stops when its abort signal fires', async () => {
    const controller = new AbortController();
    const exit = runAgent(writeConfig(goodConfig()), { logger: silentLogger, signal: controller.signal, handleSignals: false });
    await broker.published.next(on(topics.state(DEVICE), { online: true }));
    controller.abort();
    await expect(exit).resolves.toBe(EXIT_OK);
  });

  it('exits with EX_TEMPFAIL after answering a restart command, saying "restart" as it goes', async () => {
    const exit = runAgent(writeConfig(goodConfig()), { logger: silentLogger, handleSignals: false });
    await broker.published.next(on(topics.state(DEVICE), { online: true }));
    const ctl = await connectController(broker.url, [topics.cmdResult(DEVICE)]);
    const now = Date.now();
    await ctl.client.publishAsync(topics.cmd(DEVICE), encode('cmd', { v: 1, ts: now, id: 'r1', op: 'restart', params: {}, expiresAt: now + 60_000 }), { qos: 1 });
    await expect(exit).resolves.toBe(EXIT_RESTART);
    expect(ctl.messages.map((m) => JSON.parse(m.payload.toString()))).toEqual([expect.objectContaining({ id: 'r1', status: 'ok' })]);
    expect(broker.published.messages.some(on(topics.state(DEVICE), { online: false, reason: 'restart' }))).toBe(true);
    await ctl.close();
  });

  it('exits with EX_CONFIG and logs every problem when the config is wrong', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const code = await runAgent(writeConfig({ ...goodConfig(), deviceId: 'bad id', heartbeatIntervalS: 'often' }), {
      logger,
      handleSignals: false,
    });
    expect(code).toBe(EXIT_CONFIG);
    const entry = JSON.parse(lines.find((l) => l.includes('invalid agent config'))!) as { problems: string[]; level: number };
    expect(entry.level).toBe(60);
    expect(entry.problems.map((p) => p.split(':')[0])).toEqual(['deviceId', 'heartbeatIntervalS']);
  });
});
