// Benchmark: how many agents one broker process holds, and what each costs it in memory.
// Loa (broker + controller) runs in this process; N devices are provisioned in bulk; the fleet
// simulator connects N real agents from worker processes across several loopback source
// addresses. Memory is measured after a full garbage collection before and after the fleet
// connected; the difference divided by N is the cost of one connection (the controller's part —
// presence, the retained state it reads — is included: it is one process in `loa start`).
import { numberParam, round, startFleetRun, stopFleetRun } from '../fleet/run-fleet.js';
import { agentsWithinFileLimit, openFileLimit } from '../fleet/limits.js';
import { measureAedesFloor } from '../aedes-floor.js';
import { settledMemory } from '../proc.js';
import type { Figure, Scenario } from '../scenario.js';

export const connectionsScenario: Scenario = async (options) => {
  const asked = numberParam(options, 'agents', 20, 20_000);
  // One socket per agent in this process: beyond the open-file limit the broker gets EMFILE and
  // even reading its own memory fails. Ask for no more than the limit allows, and say so.
  const limit = openFileLimit();
  const agents = agentsWithinFileLimit(asked, limit);
  const processes = numberParam(options, 'processes', 2, 4);
  const rampPerS = numberParam(options, 'ramp', 200, 400);
  // Clients for the Aedes-alone floor (0 = skip it).
  const floorClients = numberParam(options, 'floorClients', 20, Math.min(agents, 10_000));
  // Baseline: Loa running with the devices provisioned (and their retained manifests published), no agent connected.
  let before = { rss: 0, heapUsed: 0 };
  const run = await startFleetRun(options, {
    agents,
    processes,
    rampPerS,
    heartbeatS: 30,
    beforeFleet: async (loa) => {
      await loa.ctx.broadcasts.manifests.whenIdle();
      before = await settledMemory();
    },
  });
  try {
    // Let the online states and first heartbeats settle before measuring.
    await new Promise((resolve) => setTimeout(resolve, options.tiny ? 500 : 5_000));
    // Held = agents whose connection is up as the agents see it (CONNACK received, subscribed,
    // online state acknowledged). The broker's own count also holds half-dead connections a
    // timed-out agent already replaced; it is in the notes.
    const held = run.fleet.totals().connected;
    const brokerClients = run.loa.broker.stats().connectedClients - 1; // minus the controller's own connection
    const after = await settledMemory();
    // Aedes alone, measured in other processes while this one rests: the part of the figure that
    // is the broker library's.
    const floor = floorClients > 0 ? await floorFigures(floorClients) : null;
    const rssPerKb = held > 0 ? (after.rss - before.rss) / held / 1024 : null;
    const heapPerKb = held > 0 ? (after.heapUsed - before.heapUsed) / held / 1024 : null;
    const figures: Figure[] = [
      { label: 'agents held by one broker process', value: held, unit: 'agents', target: '≥ 20000', met: held >= 20_000 },
      { label: 'broker process memory per connection (RSS delta / agents)', value: rssPerKb === null ? null : round(rssPerKb, 2), unit: 'KB', target: '≤ 10', ...(rssPerKb === null ? {} : { met: rssPerKb <= 10 }) },
      { label: 'broker process heap per connection (heap delta / agents)', value: heapPerKb === null ? null : round(heapPerKb, 2), unit: 'KB' },
      { label: 'time to connect the fleet', value: run.connectS === null ? null : round(run.connectS), unit: 's' },
      { label: 'bulk provisioning', value: round(agents / run.provisionS), unit: 'devices/s' },
      ...(floor?.figures ?? []),
    ];
    if (floor) run.notes.push(floor.note);
    // Into run.notes: stopping the run adds what it learnt (limits hit, crashes) to the same list.
    if (agents < asked) {
      run.notes.push(
        `asked for ${asked} agents; this process may open ${limit?.soft} files (ulimit -n; hard limit ${limit?.hard}), so ${agents} were connected — raise the limit (e.g. \`ulimit -n 65536\` as root, systemd LimitNOFILE) to measure more`,
      );
    }
    run.notes.push(
      `the broker counted ${brokerClients} device connections at the measurement; ${run.fleet.totals().connects - held} reconnects during the ramp`,
      `memory after gc: RSS ${mb(before.rss)} → ${mb(after.rss)} MB, heap ${mb(before.heapUsed)} → ${mb(after.heapUsed)} MB; the process is broker + controller (one process in \`loa start\`)`,
      // Where the memory goes, from heap snapshots at 2,000 agents (2026-11-29, after the flat
      // subscription store, broker/message-bus.ts + session-subscriptions.ts): ~12.7 KB of objects
      // per cluster, most of it Aedes' and mqtt-packet's per-client objects (docs/bench.md).
      'where it goes (heap snapshots at 2,000 agents): ~12.7 KB of objects per cluster — socket and stream state ~2.4 KB, Aedes’ client (timers, will, listeners) ~2.0 KB, mqtt-packet’s parser (its own stream, the CONNECT packet) ~1.9 KB, Aedes’ per-subscription objects ~1.4 KB (six subscriptions), session subscriptions ~0.75 KB, retained state ~0.5 KB, message bus ~0.45 KB',
      'retained messages are looked up by exact topic (broker/retained-index.ts): before, every SUBSCRIBE tested its filter against every retained message (2 per device), ~12·N² topic tests to connect N agents — see docs/bench.md',
      'the memory figures are of the whole `loa start` process: the controller’s per-device state (presence, manifests, programme index) is counted with the broker’s sessions',
      `agents connected at a ramp of ${rampPerS}/s: the broker checks each device secret once (sha256: 256-bit random secrets, docs/security.md), then remembers it`,
    );
    return { name: 'connections', params: { agents: asked, connected: agents, processes, rampPerS, floorClients }, figures, notes: run.notes };
  } finally {
    await stopFleetRun(run);
  }
};

/** The same memory figures for Aedes alone (Loa's store and bus, no Loa policy or controller), with agent-shaped clients. */
async function floorFigures(clients: number): Promise<{ figures: Figure[]; note: string }> {
  const floor = await measureAedesFloor(clients);
  return {
    // Heap only as a figure: a fresh small process grows its heap's pages as clients arrive, so its
    // RSS delta carries the growth slack that Loa's larger process already had (in the note).
    figures: [{ label: 'floor: Aedes alone (Loa’s store and bus), heap per connection', value: floor.heapPerConnectionKb, unit: 'KB' }],
    note: `floor: a bare Aedes with Loa’s store and message bus in its own process, ${floor.connected} of ${clients} MQTT.js clients shaped like agents (clean: false, a Last Will, 6 exact subscriptions, 1 retained state; ${floor.failed} failed): ${floor.heapPerConnectionKb} KB of heap per client — what the broker library itself keeps, under Loa’s heap figure above; its RSS delta (${floor.rssPerConnectionKb} KB per client) includes the page growth of a fresh process and is not comparable`,
  };
}

const mb = (bytes: number) => (bytes / 1024 ** 2).toFixed(0);
