// Imperative commands (`devices/{id}/cmd` and `areas/{code}/cmd`): each answered with
// `cmd/result` {id, status}. A command past its `expiresAt` (by the cluster's clock) is answered
// `expired` and not executed — a "power on" from an hour ago must not happen now. A repeated id
// is executed once (command-log.ts); a repeat that arrives while the first is still running
// (the area and the device copy of an emergency) is dropped: the one answer is on its way.
import type { Logger } from '../../platform/logger.js';
import { type CommandPayload, PAYLOAD_VERSION } from '../../shared/payloads.js';
import { playRank } from '../../shared/priority.js';
import { type Clock, withTimeout } from '../clock.js';
import type { DeviceState } from '../device-state.js';
import type { InboundMeta } from '../inbound.js';
import type { Link } from '../link.js';
import type { CommandLog, StoredResult } from './command-log.js';
import type { Engine, PlayResult } from './engine.js';
import type { Amplifier } from './power.js';
import type { Entry } from './timeline.js';

type Result = Pick<StoredResult, 'status' | 'error'>;

export interface CommandHandlerOptions {
  link: Pick<Link, 'handle' | 'publish'>;
  engine: Pick<Engine, 'playNow' | 'stopPlaying'>;
  amplifier: Pick<Amplifier, 'manual'>;
  state: DeviceState;
  commandLog: CommandLog;
  clock: Clock;
  log: Logger;
  /** `sync`: re-apply the held manifest, re-announce, re-upload. */
  sync: () => Promise<void>;
  /** `restart`: called after the answer went out; the process exits for systemd to start it again. */
  restart: () => void;
}

export class CommandHandler {
  private readonly running = new Set<string>();
  private off: (() => unknown) | undefined;

  constructor(private readonly o: CommandHandlerOptions) {}

  async start(): Promise<void> {
    await this.o.commandLog.load();
    this.off = this.o.link.handle('cmd', (cmd, meta) => this.receive(cmd, meta));
  }

  stop(): void {
    this.off?.();
    this.off = undefined;
  }

  async receive(cmd: CommandPayload, meta: Pick<InboundMeta, 'scope'>): Promise<void> {
    const { log, commandLog, clock } = this.o;
    const known = commandLog.get(cmd.id);
    if (known) {
      log.info({ id: cmd.id, op: cmd.op, scope: meta.scope }, 'command seen before; answering again without executing');
      await this.answer(cmd.id, known);
      return;
    }
    if (this.running.has(cmd.id)) {
      log.debug({ id: cmd.id, scope: meta.scope }, 'command already being executed; repeat dropped');
      return;
    }
    this.running.add(cmd.id);
    let result: Result;
    try {
      if (cmd.expiresAt < clock.now()) {
        log.info({ id: cmd.id, op: cmd.op, expiresAt: cmd.expiresAt }, 'command expired; not executed');
        result = { status: 'expired' };
      } else {
        log.info({ id: cmd.id, op: cmd.op, scope: meta.scope }, 'executing command');
        result = await this.execute(cmd);
      }
    } catch (err) {
      log.error({ err, id: cmd.id, op: cmd.op }, 'command failed');
      result = { status: 'error', error: (err as Error).message.slice(0, 1000) };
    }
    await commandLog.record(cmd.id, { ...result, at: clock.now() });
    this.running.delete(cmd.id);
    const delivered = await this.answer(cmd.id, result);
    if (cmd.op === 'restart' && result.status === 'ok') {
      if (!delivered) log.warn({ id: cmd.id }, 'restart answer not acknowledged in time; restarting anyway');
      this.o.restart();
    }
  }

  private async execute(cmd: CommandPayload): Promise<Result> {
    const { engine, state, amplifier, clock } = this.o;
    switch (cmd.op) {
      case 'play': {
        const p = cmd.params;
        const entry: Entry = {
          key: `cmd:${cmd.id}`,
          kind: 'command',
          commandId: cmd.id,
          ...(cmd.emergencyId ? { emergencyId: cmd.emergencyId } : {}),
          class: p.class,
          source: p.source,
          rank: playRank(p.class, p.source.type),
          startAt: clock.now(),
          ...(p.durationMs !== undefined ? { durationMs: p.durationMs } : {}),
          ...(p.volume !== undefined ? { volume: p.volume } : {}),
          ...(p.title !== undefined ? { title: p.title } : {}),
        };
        return strip(await engine.playNow(entry));
      }
      case 'stop':
        await engine.stopPlaying(cmd.params.class, cmd.id);
        return { status: 'ok' };
      case 'volume':
        // Takes effect from the next playback: the decoder's gain is set when it starts.
        state.setVolume(cmd.params.level);
        return { status: 'ok' };
      case 'power':
        await amplifier.manual(cmd.params.state);
        return { status: 'ok' };
      case 'sync':
        await this.o.sync();
        return { status: 'ok' };
      case 'restart':
        return { status: 'ok' };
    }
  }

  /** Publishes the answer; resolves whether the broker acknowledged it within a few seconds. */
  private async answer(id: string, result: Result): Promise<boolean> {
    const payload = { v: PAYLOAD_VERSION, ts: this.o.clock.now(), id, status: result.status, ...(result.error ? { error: result.error } : {}) } as const;
    const sent = this.o.link.publish('cmd/result', payload).catch((err) => {
      this.o.log.error({ err, id }, 'could not publish a command result');
      return false;
    });
    return withTimeout(this.o.clock, sent, 3_000, 'no acknowledgement').catch(() => false);
  }
}

function strip(result: PlayResult): Result {
  return result.error ? { status: result.status, error: result.error.slice(0, 1000) } : { status: result.status };
}
