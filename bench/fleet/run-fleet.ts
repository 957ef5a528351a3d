// What the fleet scenarios share: Loa started in this process, devices provisioned in bulk, a
// simulated fleet connected through several loopback source addresses, and clean teardown.
import path from 'node:path';
import type { ScenarioOptions } from '../scenario.js';
import { type AgentStateDir, agentStateDir } from './agent-state-dir.js';
import { Fleet, type FleetOptions, limitMessages } from './fleet.js';
import { openFileLimit } from './limits.js';
import { type LoaUnderTest, startLoa } from './loa-under-test.js';
import { parseAddressRange } from './source-addresses.js';

export interface FleetRun {
  loa: LoaUnderTest;
  fleet: Fleet;
  agents: number;
  provisionS: number;
  connectS: number | null;
  notes: string[];
  /** Uncaught exceptions in this process (the broker and controller) while the run was on. */
  crashes: string[];
  stopWatching: () => void;
  /** Removes the agents' data folders when they are not under the scenario folder. */
  removeAgentState: () => Promise<void>;
}

export interface FleetRunOptions extends Partial<Omit<FleetOptions, 'credentials' | 'workDir' | 'sourceAddresses'>> {
  agents: number;
  /** Give up waiting for the whole fleet after this long without a new connection. */
  stallMs?: number;
  loaEnv?: Record<string, string>;
  communeCodes?: string[];
  /** Called once Loa runs and the devices exist, just before the fleet starts (baseline measurements). */
  beforeFleet?: (loa: LoaUnderTest) => Promise<void>;
}

export function numberParam(options: ScenarioOptions, name: string, tiny: number, full: number): number {
  if (options.tiny) return tiny;
  const raw = options.params[name];
  return raw === undefined ? full : Number(raw);
}

/** Starts Loa and the fleet and waits until every agent is connected, or the count stops growing. */
export async function startFleetRun(options: ScenarioOptions, run: FleetRunOptions): Promise<FleetRun> {
  const notes: string[] = [];
  const limit = openFileLimit();
  if (limit) notes.push(`open-file limit of the broker process: soft ${limit.soft}, hard ${limit.hard}`);
  if (limit && run.agents + 500 > limit.soft) {
    notes.push(`the broker process holds one socket per agent: ${run.agents} agents need more than its open-file limit of ${limit.soft} (EMFILE beyond it)`);
  }
  // An exception thrown inside the broker or the controller under load is a finding, not the end
  // of the whole benchmark run: it is recorded, and the scenario finishes with what it measured.
  const crashes: string[] = [];
  const onCrash = (err: Error) => {
    crashes.push(`${err.name}: ${err.message} at ${err.stack?.split('\n').slice(1, 4).map((l) => l.trim()).join(' ← ')}`);
    if (crashes.length === 1) options.log(`uncaught exception in the broker/controller process: ${err.stack}`);
  };
  process.on('uncaughtException', onCrash);
  const stopWatching = () => process.off('uncaughtException', onCrash);
  const loa = await startLoa(path.join(options.workDir, 'loa'), run.loaEnv).catch((err) => {
    stopWatching();
    throw err;
  });
  const fleetRef: { fleet?: Fleet } = {};
  let state: AgentStateDir | undefined;
  try {
    const t0 = performance.now();
    const credentials = await loa.provision(run.agents, run.communeCodes ?? seededCommunes(loa));
    const provisionS = (performance.now() - t0) / 1000;
    options.log(`provisioned ${run.agents} devices in ${provisionS.toFixed(1)} s`);
    await run.beforeFleet?.(loa);
    const addresses = options.params.sourceAddresses ?? '127.0.0.2-127.0.0.40';
    state = await agentStateDir(options.workDir, options.params.agentState);
    notes.push(state.note);
    const t1 = performance.now();
    const fleet = Fleet.start({
      credentials,
      processes: run.processes ?? 2,
      workDir: state.dir,
      heartbeatS: run.heartbeatS ?? 30,
      jitter: run.jitter ?? true,
      disconnectRatePerMin: run.disconnectRatePerMin ?? 0,
      slowLinkMs: run.slowLinkMs ?? 0,
      sourceAddresses: parseAddressRange(addresses),
      playback: run.playback ?? false,
      rampPerS: run.rampPerS ?? 400,
      ...(options.params.nice === undefined ? {} : { nice: Number(options.params.nice) }),
    });
    fleetRef.fleet = fleet;
    notes.push(...fleet.notes);
    let best = 0;
    let lastGrowth = performance.now();
    const stallMs = run.stallMs ?? 30_000;
    let lastLog = 0;
    const complete = await new Promise<boolean>((resolve) => {
      const tick = setInterval(() => {
        const t = fleet.totals();
        if (t.connected > best) {
          best = t.connected;
          lastGrowth = performance.now();
        }
        if (performance.now() - lastLog > 5_000) {
          lastLog = performance.now();
          options.log(`fleet: ${t.connected}/${run.agents} connected, ${t.started} started`);
        }
        if (t.connected >= run.agents) finish(true);
        else if (t.started >= run.agents && performance.now() - lastGrowth > stallMs) finish(false);
        else if (t.workersAlive === 0 && t.started > 0) finish(false);
      }, 100);
      const finish = (ok: boolean) => {
        clearInterval(tick);
        resolve(ok);
      };
    });
    const connectS = complete ? (performance.now() - t1) / 1000 : null;
    if (!complete) notes.push(`only ${fleet.totals().connected} of ${run.agents} agents connected (no growth for ${stallMs / 1000} s)`);
    notes.push(`${run.processes ?? 2} simulator processes, sockets bound round robin to ${addresses}`);
    return { loa, fleet, agents: run.agents, provisionS, connectS, notes, crashes, stopWatching, removeAgentState: state.remove };
  } catch (err) {
    await fleetRef.fleet?.stop();
    await loa.close();
    await state?.remove();
    stopWatching();
    throw err;
  }
}

export async function stopFleetRun(run: FleetRun): Promise<void> {
  run.notes.push(...limitMessages(run.fleet.totals().errors).map((l) => `simulator hit a limit — ${l}`));
  const drops = (await run.loa.ctx.metrics.mqttLinkDrops.get()).values[0]?.value ?? 0;
  if (drops > 0) run.notes.push(`the controller lost its MQTT link to the broker ${drops} time(s) during the run`);
  await run.fleet.stop();
  await run.loa.close().catch((err) => run.crashes.push(`stopping Loa failed: ${err.message}`));
  await run.removeAgentState();
  run.stopWatching();
  const distinct = [...new Set(run.crashes)];
  for (const crash of distinct.slice(0, 3)) {
    run.notes.unshift(`CRASH in the broker/controller process (${run.crashes.filter((c) => c === crash).length}×): ${crash}`);
  }
}

function seededCommunes(loa: LoaUnderTest): string[] {
  return loa.ctx.units
    .all()
    .filter((u) => u.level === 'commune')
    .map((u) => u.code)
    .filter((code) => {
      try {
        loa.ctx.devices.stationOfCommune(code);
        return true;
      } catch {
        return false;
      }
    });
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
