// Test helpers for the live stream and the console's browser tests: a minimal server-sent-events
// reader over fetch, and a real agent (the cluster software, `null` player) for a provisioned
// device of a test system. Not part of the build.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Agent } from '../../agent/agent.js';
import { parseAgentConfig } from '../../agent/config.js';
import type { TestSystem } from '../../test/system.js';

export interface SseEvent {
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: event payloads are read (and checked) by the tests
  data: any;
}

export interface SseReader {
  status: number;
  events: SseEvent[];
  /** Resolves with the first event (already received or still to come) that matches. */
  next(match: (e: SseEvent) => boolean): Promise<SseEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/**
 * Opens an event stream with node:http on its own socket (fetch's pool opens a spare connection
 * when a request is aborted, which would hold the server's shutdown until the pool drops it).
 */
export function openSse(url: string, headers: Record<string, string>): Promise<SseReader> {
  const events: SseEvent[] = [];
  const waiters: { match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = [];
  const deliver = (e: SseEvent) => {
    events.push(e);
    for (const w of [...waiters]) {
      if (w.match(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  };
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false }, (response) => {
      let buffer = '';
      const ended = new Promise<void>((done) => {
        response.on('close', () => done());
        response.on('error', () => done());
      });
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event) deliver({ event, data: data ? JSON.parse(data) : null });
          cut = buffer.indexOf('\n\n');
        }
      });
      resolve({
        status: response.statusCode ?? 0,
        events,
        next(match) {
          const found = events.find(match);
          if (found) return Promise.resolve(found);
          return new Promise((res) => waiters.push({ match, resolve: res }));
        },
        ended,
        close: () => request.destroy(),
      });
    });
    request.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
  });
}

export interface RunningAgent {
  agent: Agent;
  stop(): Promise<void>;
}

/** Starts the real agent for a device provisioned with `sys.provision`, heartbeats every second. */
export async function startAgent(sys: TestSystem, device: { agentConfig: Record<string, unknown> }): Promise<RunningAgent> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'loa-agent-'));
  const config = parseAgentConfig({ ...device.agentConfig, brokerUrl: sys.mqttUrl, dataDir: dir, heartbeatIntervalS: 1, player: 'null' }, dir);
  const agent = new Agent(config, { link: { backoff: { baseMs: 100, capMs: 500 }, stableAfterMs: 1000 } });
  await agent.start();
  return {
    agent,
    async stop() {
      await agent.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
