// Benchmark: how closely clusters start a scheduled bulletin together. N agents (playback with
// the simulated player) get a one-off schedule for the whole province starting a few seconds
// ahead; each downloads the bulletin from the controller, and at the start instant its engine
// releases the audio on its own clock. Skew = that instant − the scheduled start, per agent.
import { DateTime } from 'luxon';
import { provinceCode, seedApprovedBulletin } from '../fleet/bulletin-fixture.js';
import type { FleetPlay } from '../fleet/fleet.js';
import { numberParam, percentile, round, startFleetRun, stopFleetRun } from '../fleet/run-fleet.js';
import type { Figure, Scenario } from '../scenario.js';

const ZONE = 'Asia/Ho_Chi_Minh';

export const scheduledStartScenario: Scenario = async (options) => {
  const agents = numberParam(options, 'agents', 5, 1_000);
  const processes = numberParam(options, 'processes', 2, 2);
  // Enough time for every manifest to be published and every file fetched before the start.
  const leadS = numberParam(options, 'leadS', 6, Math.max(15, 10 + Math.ceil(agents / 100)));
  const run = await startFleetRun(options, { agents, processes, playback: true, heartbeatS: 30, rampPerS: options.tiny ? 200 : 400 });
  try {
    const area = provinceCode(run.loa);
    const bulletin = await seedApprovedBulletin(run.loa, area, 1_000);
    const at = DateTime.now().setZone(ZONE).plus({ seconds: leadS }).startOf('second');
    const plays: FleetPlay[] = [];
    run.fleet.on('play', (p) => plays.push(p));
    const res = await run.loa.api('POST', '/api/v1/schedules', {
      title: 'Bản tin giờ (thử tải)',
      timing: { kind: 'once', at: at.toFormat("yyyy-MM-dd'T'HH:mm:ss") },
      bulletinIds: [bulletin.id],
      targets: { areas: [area] },
    });
    if (res.status !== 201) throw new Error(`schedule create failed: ${res.status} ${JSON.stringify(res.body)}`);
    const startMs = at.toMillis();
    options.log(`scheduled for ${agents} agents at ${at.toISO()} (${leadS} s ahead)`);
    const played = () => new Set(plays.map((p) => p.deviceId)).size;
    await run.fleet.waitUntil(() => played() >= agents, startMs - Date.now() + 15_000);
    const firstStart = new Map<string, number>();
    for (const p of plays) if (!firstStart.has(p.deviceId)) firstStart.set(p.deviceId, p.startedAt - startMs);
    const skews = [...firstStart.values()];
    const absolute = skews.map(Math.abs).sort((a, b) => a - b);
    const p99 = percentile(absolute, 99);
    const figures: Figure[] = [
      { label: 'start skew p50 (|actual − scheduled|)', value: percentile(absolute, 50), unit: 'ms' },
      { label: 'start skew p99', value: p99, unit: 'ms', target: '≤ 20', ...(p99 === null ? {} : { met: p99 <= 20 && skews.length === agents }) },
      { label: 'start skew max', value: absolute.length ? absolute[absolute.length - 1]! : null, unit: 'ms' },
      { label: 'agents that started', value: skews.length, unit: 'agents' },
    ];
    const early = skews.filter((s) => s < 0).length;
    // Into run.notes: stopping the run adds what it learnt (limits hit, crashes) to the same list.
    run.notes.push(
      `one-off schedule ${leadS} s ahead for the whole province (${area}); ${skews.length}/${agents} agents started; ${early} started early (before the instant), signed skew range ${round(Math.min(...skews, 0))}…${round(Math.max(...skews, 0))} ms`,
      'agents and controller share one clock here, so this is the agents’ own timing (timer precision, event-loop load), not clock synchronisation',
    );
    return { name: 'scheduled-start', params: { agents, processes, leadS }, figures, notes: run.notes };
  } finally {
    await stopFleetRun(run);
  }
};
