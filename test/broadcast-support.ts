// Helpers for the broadcast tests: approved bulletins seeded straight into the database (until
// the bulletins module is on main), and MQTT.js clients that play a cluster's agent with its
// real credentials: they subscribe to its manifest, commands, acks and area commands, and say
// they are online like the agent does.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { DateTime } from 'luxon';
import mqtt, { type MqttClient } from 'mqtt';
import { vi } from 'vitest';
import { type CommandPayload, type DeviceEvent, decode, encode, type EventsPayload, type ManifestPayload, PAYLOAD_VERSION, topics } from '../shared/index.js';
import type { TestSystem } from './system.js';

export const ZONE = 'Asia/Ho_Chi_Minh';

/** A local date-time string in the schedule zone, `days` from today at `time`. */
export function localAt(days: number, time: string): string {
  return `${DateTime.now().setZone(ZONE).plus({ days }).toISODate()}T${time}`;
}

/**
 * An approved bulletin with a delivery file in the media store, inserted directly (fast; the
 * bulletins tests cover upload, transcode and approval). `bytes` defaults to random content:
 * the controller never decodes it; agents in end-to-end tests get real audio.
 */
export async function seedBulletin(
  sys: TestSystem,
  options: { ownerAreaCode?: string; status?: string; durationMs?: number; title?: string; ready?: boolean; bytes?: Buffer } = {},
): Promise<{ id: number; sha256: string; durationMs: number }> {
  const sqlite = sys.ctx.database.sqlite;
  const durationMs = options.durationMs ?? 60_000;
  const now = Date.now();
  let sha256: string | null = null;
  if (options.ready !== false) {
    const bytes = options.bytes ?? randomBytes(2048);
    const temp = sys.ctx.media.store.tempPath('opus');
    await writeFile(temp, bytes);
    sha256 = (await sys.ctx.media.store.adoptDelivery(temp, 'opus')).sha256;
    sqlite
      .prepare('INSERT OR IGNORE INTO media_assets (sha256, format, codec, bitrate, channels, sample_rate, duration_ms, size_bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(sha256, 'opus', 'opus', 24_000, 1, 48_000, durationMs, bytes.length, now);
  }
  const { lastInsertRowid } = sqlite
    .prepare(
      `INSERT INTO bulletins (title, language, priority_class, owner_area_code, source, status, asset_sha256, created_at, updated_at) VALUES (?, 'vi', 'normal', ?, 'upload', ?, ?, ?, ?)`,
    )
    .run(options.title ?? 'Bản tin sáng', options.ownerAreaCode ?? '01858', options.status ?? 'approved', sha256, now, now);
  return { id: Number(lastInsertRowid), sha256: sha256 ?? '', durationMs };
}

export interface FakeAgent {
  deviceId: string;
  client: MqttClient;
  manifests: ManifestPayload[];
  commands: { topic: string; payload: CommandPayload }[];
  acks: number[];
  lastManifest(): ManifestPayload | undefined;
  sendEvents(events: (Omit<DeviceEvent, 'ts'> & { ts?: number })[]): Promise<void>;
  result(id: string, status?: 'ok' | 'error' | 'rejected' | 'expired', error?: string): Promise<void>;
  close(): Promise<void>;
}

/** Connects as the device (its id and secret), subscribes like the agent and publishes `online`. */
export async function fakeAgent(sys: TestSystem, device: { deviceId: string; secret: string }, areaCodes: string[] = [], options: { waitOnline?: boolean } = {}): Promise<FakeAgent> {
  const { deviceId } = device;
  const client = await mqtt.connectAsync(sys.mqttUrl, { clientId: deviceId, username: deviceId, password: device.secret, protocolVersion: 4, reconnectPeriod: 0 });
  const agent: FakeAgent = {
    deviceId,
    client,
    manifests: [],
    commands: [],
    acks: [],
    lastManifest: () => agent.manifests[agent.manifests.length - 1],
    async sendEvents(events) {
      const payload: EventsPayload = { v: PAYLOAD_VERSION, ts: Date.now(), events: events.map((e) => ({ ts: Date.now(), ...e })) };
      await client.publishAsync(topics.events(deviceId), encode('events', payload), { qos: 1 });
    },
    async result(id, status = 'ok', error) {
      await client.publishAsync(topics.cmdResult(deviceId), encode('cmd/result', { v: PAYLOAD_VERSION, ts: Date.now(), id, status, ...(error ? { error } : {}) }), { qos: 1 });
    },
    /** Says goodbye like the agent (retained offline state), then disconnects. */
    async close() {
      if (client.connected) {
        await client.publishAsync(topics.state(deviceId), encode('state', { v: PAYLOAD_VERSION, ts: Date.now(), online: false, reason: 'shutdown' }), { qos: 1, retain: true });
      }
      await client.endAsync();
    },
  };
  client.on('message', (topic, payload) => {
    if (topic === topics.manifest(deviceId)) {
      const m = decode('manifest', payload);
      if (m.ok) agent.manifests.push(m.value);
    } else if (topic === topics.eventsAck(deviceId)) {
      const a = decode('events/ack', payload);
      if (a.ok) agent.acks.push(a.value.seq);
    } else {
      const c = decode('cmd', payload);
      if (c.ok) agent.commands.push({ topic, payload: c.value });
    }
  });
  await client.subscribeAsync([topics.manifest(deviceId), topics.cmd(deviceId), topics.eventsAck(deviceId), ...areaCodes.map((c) => topics.areaCmd(c))], { qos: 1 });
  const online = new Promise<void>((resolve) => {
    const listener = (change: { deviceId: string; online: boolean }) => {
      if (change.deviceId === deviceId && change.online) {
        sys.ctx.presence.off('change', listener);
        resolve();
      }
    };
    sys.ctx.presence.on('change', listener);
  });
  await client.publishAsync(topics.state(deviceId), encode('state', { v: PAYLOAD_VERSION, ts: Date.now(), online: true, session: Date.now(), manifestVersion: null }), { qos: 1, retain: true });
  // After a broker restart presence may never have seen the device go offline: no change to await.
  if (options.waitOnline !== false) await online;
  return agent;
}

export const waitFor = <T>(fn: () => T | Promise<T>, timeout = 10_000) => vi.waitFor(fn, { timeout, interval: 50 });
