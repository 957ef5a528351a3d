// `loa simulate`: a fleet of real agents against a running Loa (bench/fleet/). Prints a summary
// every few seconds; Ctrl-C stops every agent cleanly (retained `shutdown` state) and exits.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCredentials } from '../bench/fleet/credentials.js';
import { Fleet, type FleetTotals, limitMessages } from '../bench/fleet/fleet.js';
import { parseAddressRange } from '../bench/fleet/source-addresses.js';
import { fail } from './runtime.js';

export interface SimulateOptions {
  agents?: string;
  credentials: string;
  processes: string;
  heartbeatS: string;
  jitter?: boolean;
  disconnectRate: string;
  slowLinkMs: string;
  sourceAddresses: string;
  broker?: string;
  controller?: string;
  ramp: string;
  playback?: boolean;
  summaryS: string;
}

/** A number option within bounds, or one clear line naming the option. */
function numberOption(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) fail(`${name} must be a number from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  return n;
}

export async function simulate(options: SimulateOptions): Promise<void> {
  const processes = Math.round(numberOption('--processes', options.processes, 1, 256));
  const heartbeatS = numberOption('--heartbeat-s', options.heartbeatS, 0.05, 3600);
  const disconnectRate = numberOption('--disconnect-rate', options.disconnectRate, 0, 1);
  const slowLinkMs = numberOption('--slow-link-ms', options.slowLinkMs, 0, 60_000);
  const ramp = numberOption('--ramp', options.ramp, 1, 1_000_000);
  const summaryS = numberOption('--summary-s', options.summaryS, 0.2, 3600);
  let sourceAddresses: string[] = [];
  try {
    sourceAddresses = parseAddressRange(options.sourceAddresses);
  } catch (err) {
    fail(`--source-addresses: ${(err as Error).message}`);
  }
  let all: ReturnType<typeof readCredentials> = [];
  try {
    all = readCredentials(options.credentials);
  } catch (err) {
    fail(`cannot read the credentials: ${(err as Error).message}`);
  }
  const wanted = options.agents === undefined ? all.length : Math.round(numberOption('--agents', options.agents, 1, 10_000_000));
  if (wanted > all.length) fail(`--agents ${wanted} but ${options.credentials} holds only ${all.length} credentials (provision more with \`loa device add-bulk\`)`);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'loa-simulate-'));
  const fleet = Fleet.start({
    credentials: all.slice(0, wanted),
    processes,
    workDir,
    heartbeatS,
    jitter: options.jitter ?? false,
    disconnectRatePerMin: disconnectRate,
    slowLinkMs,
    sourceAddresses,
    playback: options.playback ?? false,
    rampPerS: ramp,
    ...(options.broker ? { brokerUrl: options.broker } : {}),
    ...(options.controller ? { controllerUrl: options.controller } : {}),
  });
  for (const note of fleet.notes) console.log(note);
  fleet.on('fatal', (message) => console.error(`worker failed: ${message}`));
  let previous: { at: number; totals: FleetTotals } = { at: Date.now(), totals: fleet.totals() };
  const shown = new Set<string>();
  const summary = setInterval(() => {
    const now = Date.now();
    const t = fleet.totals();
    const rate = (t.beats - previous.totals.beats) / ((now - previous.at) / 1000);
    const errors = Object.entries(t.errors).map(([code, n]) => `${code} ${n}`).join(', ') || 'none';
    console.log(
      `${new Date(now).toISOString()} connected ${t.connected}/${t.agents} (started ${t.started}), heartbeats ${rate.toFixed(0)}/s, reconnects ${Math.max(0, t.connects - t.connected)}, refused ${t.refused}, socket errors: ${errors}, workers ${t.workersAlive}, RSS ${(t.rssBytes / 1024 ** 2).toFixed(0)} MB`,
    );
    for (const line of limitMessages(t.errors)) {
      const key = line.split(':')[0]!;
      if (!shown.has(key)) console.log(`limit hit — ${line}`);
      shown.add(key);
    }
    previous = { at: now, totals: t };
  }, summaryS * 1000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(summary);
  console.log('stopping the fleet (each agent says shutdown)…');
  await fleet.stop();
  rmSync(workDir, { recursive: true, force: true });
  console.log('fleet stopped');
}
