// Benchmark: emergency fan-out. N agents (with playback and the simulated player) are online;
// one API call sends an emergency to the whole province; we time, from just before the call,
// until 99% and 100% of the agents released the audio (the simulated player's start instant,
// taken in the agent) and until the controller had recorded 99% of their play_started events
// (emergency_devices.started_received_at). Runs once per size in `agents` (default 1000,10000).
// On one machine the agents' own reaction shares the cores with Loa, so the same window also
// gives the CPU each side used and how busy Loa's event loop was: whose time the figure is.
import { performance } from 'node:perf_hooks';
import type { Figure, Scenario, ScenarioOptions, ScenarioResult } from '../scenario.js';
import { provinceCode } from '../fleet/bulletin-fixture.js';
import type { FleetPlay } from '../fleet/fleet.js';
import { percentile, round, startFleetRun, stopFleetRun } from '../fleet/run-fleet.js';
import { cpuSeconds } from '../proc.js';

async function fanOut(options: ScenarioOptions, agents: number, processes: number): Promise<{ figures: Figure[]; notes: string[] }> {
  const run = await startFleetRun({ ...options, workDir: `${options.workDir}/n${agents}` }, { agents, processes, playback: true, heartbeatS: 30, rampPerS: options.tiny ? 200 : 400 });
  try {
    // Connected agents have subscribed and said online; give the retained manifests a moment.
    await new Promise((resolve) => setTimeout(resolve, options.tiny ? 500 : 3_000));
    const plays: FleetPlay[] = [];
    let emergencyId = '';
    run.fleet.on('play', (p) => {
      if (p.commandId === emergencyId) plays.push(p);
    });
    const area = provinceCode(run.loa);
    const loaCpu0 = cpuSeconds(process.pid);
    const simCpu0 = run.fleet.cpuMs();
    const loop0 = performance.eventLoopUtilization();
    const t0 = Date.now();
    const res = await run.loa.api('POST', '/api/v1/emergencies', {
      title: 'Cảnh báo lũ quét (thử tải)',
      areaCodes: [area],
      // A relay stream: nothing to download first, as with a live warning from the province.
      stream: { url: 'http://127.0.0.1:9/khan-cap', durationMs: 60_000 },
    });
    const apiMs = Date.now() - t0;
    if (res.status !== 201) throw new Error(`emergency send failed: ${res.status} ${JSON.stringify(res.body)}`);
    emergencyId = String(res.body.id);
    const timeoutMs = options.tiny ? 15_000 : 60_000;
    await run.fleet.waitUntil(() => new Set(plays.map((p) => p.deviceId)).size >= agents, timeoutMs);
    // The fan-out window: API call → every agent playing (or the timeout).
    const windowMs = Date.now() - t0;
    const loopBusy = performance.eventLoopUtilization(loop0).utilization * 100;
    const loaCpuMs = loaCpu0 === null ? null : Math.round((cpuSeconds(process.pid)! - loaCpu0) * 1000);
    const simCpuNow = run.fleet.cpuMs();
    const simCpuMs = simCpu0 === null || simCpuNow === null ? null : Math.round(simCpuNow - simCpu0);
    // The controller's view: play_started events committed (they follow the start through the outbox).
    const recorded = async () =>
      (run.loa.ctx.database.sqlite.prepare('SELECT started_received_at AS at FROM emergency_devices WHERE emergency_id = ? AND started_received_at IS NOT NULL').all(emergencyId) as { at: number }[]).map((r) => r.at - t0);
    const until = Date.now() + (options.tiny ? 10_000 : 30_000);
    let controllerSide = await recorded();
    while (controllerSide.length < agents && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      controllerSide = await recorded();
    }
    const firstStart = new Map<string, number>();
    for (const p of plays) firstStart.set(p.deviceId, Math.min(firstStart.get(p.deviceId) ?? Number.POSITIVE_INFINITY, p.startedAt - t0));
    const agentSide = [...firstStart.values()].sort((a, b) => a - b);
    controllerSide.sort((a, b) => a - b);
    // Percentiles of the whole fleet: an agent that never played counts as never.
    const ofFleet = (sorted: number[], p: number) => (sorted.length >= Math.ceil((p / 100) * agents) ? sorted[Math.ceil((p / 100) * agents) - 1]! : null);
    const p99 = ofFleet(agentSide, 99);
    const figures: Figure[] = [
      { label: `N=${agents}: time to 99% of agents playing`, value: p99, unit: 'ms', target: '≤ 1500', ...(p99 === null ? {} : { met: p99 <= 1500 }) },
      { label: `N=${agents}: time to 100% of agents playing`, value: ofFleet(agentSide, 100), unit: 'ms' },
      { label: `N=${agents}: time to 99% recorded by the controller (play_started committed)`, value: ofFleet(controllerSide, 99), unit: 'ms' },
      { label: `N=${agents}: API call (send) response time`, value: apiMs, unit: 'ms' },
      { label: `N=${agents}: CPU used by Loa's process (broker + controller + this harness), API call → all playing`, value: loaCpuMs, unit: 'ms' },
      { label: `N=${agents}: CPU used by the simulated agents in the same window`, value: simCpuMs, unit: 'ms' },
      { label: `N=${agents}: Loa's event loop busy in that window`, value: round(loopBusy, 1), unit: '%' },
    ];
    // Into run.notes: stopping the run adds what it learnt (limits hit, crashes) to the same list.
    run.notes.push(
      `${agentSide.length} agents played, ${controllerSide.length} recorded; median ${percentile(agentSide, 50)} ms`,
      `fan-out window ${windowMs} ms on ${(await import('node:os')).cpus().length} cores: Loa's process used ${loaCpuMs ?? '?'} ms of CPU, the simulated agents ${simCpuMs ?? '?'} ms`,
    );
    return { figures, notes: run.notes };
  } finally {
    await stopFleetRun(run);
  }
}

export const emergencyScenario: Scenario = async (options) => {
  const sizes = options.tiny ? [5] : String(options.params.agents ?? '1000,10000').split(',').map(Number);
  const processes = options.tiny ? 2 : Number(options.params.processes ?? 4);
  const result: ScenarioResult = { name: 'emergency', params: { agents: sizes.join(','), processes }, figures: [], notes: [] };
  for (const agents of sizes) {
    options.log(`emergency fan-out to ${agents} agents`);
    const { figures, notes } = await fanOut(options, agents, processes);
    result.figures.push(...figures);
    result.notes.push(...notes.map((n) => `N=${agents}: ${n}`));
  }
  // The target is set for 10,000 agents; smaller sizes are shown for the trend.
  for (const f of result.figures) if (f.target && !f.label.startsWith('N=10000:')) f.target = `${f.target} (at 10000)`;
  result.notes.push('simulated players (no ffmpeg): the start instant is taken in each agent when its engine releases the audio');
  return result;
};
