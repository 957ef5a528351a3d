// One fleet simulator worker process: runs its share of the agents — the real Agent (link,
// heartbeat payloads, playback with the simulated player) — and reports to the parent over IPC.
// The heartbeat timer is the simulator's own (rate, jitter); the payload and the publish are the
// agent's (Telemetry.snapshot, Link.publish), so the broker and controller see real heartbeats.
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import { Duplex } from 'node:stream';
import { Agent } from '../../agent/agent.js';
import { parseAgentConfig } from '../../agent/config.js';
import type { FleetCredential } from './credentials.js';
import type { FromWorker, ToWorker, WorkerOptions, WorkerStats } from './protocol.js';
import { SimulatedPlayer } from './sim-player.js';

interface SimAgent {
  agent: Agent;
  socket: Duplex | undefined;
  beatTimer: NodeJS.Timeout | undefined;
}

const send = (message: FromWorker) => process.send?.(message);
const agents: SimAgent[] = [];
let stopping = false;
const pending: Omit<WorkerStats, 'agents' | 'started' | 'connected' | 'connects' | 'disconnects' | 'refused' | 'rssBytes'> = { beats: 0, beatsSkipped: 0, errors: {}, plays: [] };
let total = 0;

function countError(code: string | undefined): void {
  const key = code ?? 'other';
  pending.errors[key] = (pending.errors[key] ?? 0) + 1;
}

/** Adds `ms` of latency to each direction, keeping order (timers of equal delay fire in order). */
function slowLink(socket: net.Socket, ms: number): Duplex {
  const link: Duplex = new Duplex({
    write(chunk, _encoding, done) {
      setTimeout(() => socket.destroyed || socket.write(chunk), ms);
      done();
    },
    final(done) {
      setTimeout(() => socket.end(), ms);
      done();
    },
    read() {},
    destroy(err, done) {
      socket.destroy();
      done(err);
    },
  });
  socket.on('data', (chunk) => setTimeout(() => link.push(chunk), ms));
  socket.on('end', () => setTimeout(() => link.push(null), ms));
  socket.on('error', (err) => link.destroy(err));
  socket.on('close', () => setTimeout(() => link.destroy(), ms));
  return link;
}

function buildAgent(credential: FleetCredential, options: WorkerOptions, n: number): SimAgent {
  const dataDir = `${options.workDir}/${credential.deviceId}`;
  const config = parseAgentConfig(
    {
      ...credential.agentConfig,
      ...(options.brokerUrl ? { brokerUrl: options.brokerUrl } : {}),
      ...(options.controllerUrl ? { controllerUrl: options.controllerUrl } : {}),
      dataDir,
      player: 'null',
      heartbeatIntervalS: Math.min(3600, Math.max(1, Math.round(options.heartbeatS))),
    },
    options.workDir,
  );
  const sim: SimAgent = { agent: undefined as unknown as Agent, socket: undefined, beatTimer: undefined };
  const localAddress = options.sourceAddresses[n % options.sourceAddresses.length]!;
  const connectSocket = (host: string, port: number): Duplex => {
    const socket = net.connect({ host, port, localAddress });
    socket.setNoDelay(true);
    socket.on('error', (err: NodeJS.ErrnoException) => countError(err.code));
    sim.socket = options.slowLinkMs > 0 ? slowLink(socket, options.slowLinkMs) : socket;
    return sim.socket;
  };
  const player = new SimulatedPlayer((start) => pending.plays.push({ deviceId: credential.deviceId, ...start }));
  sim.agent = new Agent(config, {
    link: { connectSocket, stopTimeoutMs: 2_000 },
    // A constant instead of one statfs per heartbeat per agent: the disk is the simulator's, not a cluster's.
    telemetry: { diskFreeBytes: () => 8 * 1024 ** 3 },
    playback: options.playback ? { player } : false,
  });
  return sim;
}

function scheduleBeats(sim: SimAgent, options: WorkerOptions, n: number): void {
  const intervalMs = options.heartbeatS * 1000;
  const next = (delay: number) => {
    sim.beatTimer = setTimeout(() => {
      if (stopping) return;
      next(options.jitter ? intervalMs * (0.9 + 0.2 * Math.random()) : intervalMs);
      if (!sim.agent.link.connected) {
        pending.beatsSkipped++;
        return;
      }
      sim.agent.telemetry
        .snapshot()
        .then((payload) => sim.agent.link.publish('telemetry', payload))
        .then((sent) => (sent ? pending.beats++ : pending.beatsSkipped++))
        .catch(() => pending.beatsSkipped++);
    }, delay);
  };
  next(options.jitter ? Math.random() * intervalMs : ((n % 1000) / 1000) * intervalMs);
}

async function start(credentials: FleetCredential[], options: WorkerOptions): Promise<void> {
  total = credentials.length;
  const report = setInterval(() => {
    let connected = 0;
    let connects = 0;
    let disconnects = 0;
    let refused = 0;
    for (const s of agents) {
      if (s.agent.link.connected) connected++;
      const st = s.agent.link.connectionCounts;
      connects += st.connects;
      disconnects += st.disconnects;
      refused += st.refused;
    }
    send({ type: 'stats', stats: { agents: total, started: agents.length, connected, connects, disconnects, refused, rssBytes: process.memoryUsage.rss(), ...pending } });
    pending.beats = 0;
    pending.beatsSkipped = 0;
    pending.errors = {};
    pending.plays = [];
  }, options.reportEveryMs);
  report.unref();
  if (options.disconnectRatePerMin > 0) {
    const perSecond = options.disconnectRatePerMin / 60;
    setInterval(() => {
      for (const s of agents) if (s.agent.link.connected && Math.random() < perSecond) s.socket?.destroy();
    }, 1_000).unref();
  }
  const stepMs = 50;
  const perStep = Math.max(1, Math.round((options.rampPerS * stepMs) / 1000));
  for (let i = 0; i < credentials.length && !stopping; i += perStep) {
    // Self-pacing: no more than maxConnecting agents waiting for their CONNACK at once, so a
    // broker busy checking secrets is not handed connections that time out and come back.
    while (!stopping && agents.length - agents.filter((s) => s.agent.link.connected).length >= options.maxConnecting) {
      await new Promise((resolve) => setTimeout(resolve, stepMs));
    }
    for (const [k, credential] of credentials.slice(i, i + perStep).entries()) {
      const n = i + k;
      if (options.playback) await mkdir(`${options.workDir}/${credential.deviceId}`, { recursive: true });
      const sim = buildAgent(credential, options, n);
      agents.push(sim);
      await sim.agent.start();
      // The simulator drives the heartbeat itself (rate below 1 s, jitter); the agent's own timer stays off.
      sim.agent.telemetry.stop();
      scheduleBeats(sim, options, n);
    }
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const s of agents) clearTimeout(s.beatTimer);
  // Bounded, so thousands of goodbyes do not all wait on the broker at once.
  const queue = [...agents];
  await Promise.all(
    Array.from({ length: 200 }, async () => {
      for (let s = queue.pop(); s; s = queue.pop()) await s.agent.stop().catch(() => {});
    }),
  );
  send({ type: 'stopped' });
  process.disconnect?.();
  process.exit(0);
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'start') start(message.credentials, message.options).catch((err) => send({ type: 'fatal', message: String(err?.stack ?? err) }));
  else if (message.type === 'stop') void stop();
});
// The parent stops us over IPC; a terminal's Ctrl-C reaches the whole process group, so ignore it here.
process.on('SIGINT', () => {});
process.on('disconnect', () => void stop());
