// Benchmark: heartbeats ingested into the database, sustained, and how long each takes from the
// agent's timestamp to its committed row. N simulated agents beat every heartbeatS seconds (the
// real payload from the agent's Telemetry, published by its Link); the controller in this
// process writes them in batched transactions (controller/telemetry/heartbeat-writer.ts).
// Ingested/s is counted in the database (rows whose receipt falls in the measured window);
// latency is taken at each batch commit: commit time − payload `ts`. Two more readings say whose
// the time is on one shared machine: the controller's own share (received from its MQTT link →
// committed), and how busy this process's event loop (broker + controller) was in the window —
// below 100% the heartbeats were not waiting for Loa's thread.
import { performance } from 'node:perf_hooks';
import { numberParam, percentile, round, startFleetRun, stopFleetRun } from '../fleet/run-fleet.js';
import type { Figure, Scenario } from '../scenario.js';

interface Queued {
  payload: { ts: number };
  receivedAt: number;
}

export const telemetryScenario: Scenario = async (options) => {
  // 5,500 agents at 0.5 s offer ~11,000 heartbeats/s, 10% above the target: offered exactly at
  // 10,000/s, the ingest rate could only ever equal the offer (9,977 of 9,978 on 2026-11-29), and
  // jitter alone put it a hair under the target without saying anything of Loa's capacity.
  const agents = numberParam(options, 'agents', 10, 5_500);
  const heartbeatS = numberParam(options, 'heartbeatS', 0.5, 0.5);
  const durationS = numberParam(options, 'durationS', 4, 60);
  const processes = numberParam(options, 'processes', 2, 2);
  const warmupS = options.tiny ? 1 : 10;
  const run = await startFleetRun(options, { agents, processes, heartbeatS, jitter: true, rampPerS: options.tiny ? 200 : 500 });
  try {
    // Commit latency, read at every flush of the heartbeat writer (its queue is what that flush commits).
    const writer = run.loa.ctx.heartbeats as unknown as { queue: Queued[]; flush(): void };
    const original = writer.flush.bind(writer);
    const latencies: number[] = [];
    const controllerLatencies: number[] = [];
    let window: { from: number; to: number } | null = null;
    writer.flush = () => {
      const batch = writer.queue;
      original();
      if (!window) return;
      const now = Date.now();
      for (const item of batch) {
        if (item.receivedAt < window.from || item.receivedAt >= window.to) continue;
        latencies.push(now - item.payload.ts);
        controllerLatencies.push(now - item.receivedAt);
      }
    };
    await new Promise((resolve) => setTimeout(resolve, warmupS * 1000));
    const beatsBefore = run.fleet.totals().beats;
    window = { from: Date.now(), to: Number.POSITIVE_INFINITY };
    const loopBefore = performance.eventLoopUtilization();
    await new Promise((resolve) => setTimeout(resolve, durationS * 1000));
    window.to = Date.now();
    const loopBusy = performance.eventLoopUtilization(loopBefore).utilization * 100;
    const offered = (run.fleet.totals().beats - beatsBefore) / durationS;
    // Let what was received in the window reach the database (bounded: a backlog is a finding, not a hang).
    const drainUntil = Date.now() + 5_000;
    while (writer.queue.length > 0 && Date.now() < drainUntil) await new Promise((resolve) => setTimeout(resolve, 50));
    const { n } = run.loa.ctx.database.sqlite.prepare('SELECT count(*) AS n FROM heartbeats WHERE received_at >= ? AND received_at < ?').get(window.from, window.to) as { n: number };
    const ingestedPerS = n / ((window.to - window.from) / 1000);
    latencies.sort((a, b) => a - b);
    controllerLatencies.sort((a, b) => a - b);
    const p99 = percentile(latencies, 99);
    const figures: Figure[] = [
      { label: 'heartbeats ingested into the database, sustained', value: round(ingestedPerS), unit: '/s', target: '≥ 10000', met: ingestedPerS >= 10_000 },
      { label: 'p99 ingest latency (agent ts → committed)', value: p99, unit: 'ms', target: '≤ 300', ...(p99 === null ? {} : { met: p99 <= 300 }) },
      { label: 'p50 ingest latency', value: percentile(latencies, 50), unit: 'ms' },
      { label: 'heartbeats offered by the fleet', value: round(offered), unit: '/s' },
      { label: 'p99 controller share (received from the MQTT link → committed)', value: percentile(controllerLatencies, 99), unit: 'ms' },
      { label: 'event loop busy, broker + controller process', value: round(loopBusy, 1), unit: '%' },
    ];
    // Into run.notes: stopping the run adds what it learnt (limits hit, crashes) to the same list.
    run.notes.push(
      `${agents} agents × one heartbeat every ${heartbeatS} s for ${durationS} s after ${warmupS} s of warm-up; ${n} rows in the window, ${latencies.length} latencies`,
      `the simulator's ${processes} processes share the machine with the broker and controller (${(await import('node:os')).cpus().length} cores)`,
    );
    return { name: 'telemetry', params: { agents, heartbeatS, durationS, processes }, figures, notes: run.notes };
  } finally {
    await stopFleetRun(run);
  }
};
