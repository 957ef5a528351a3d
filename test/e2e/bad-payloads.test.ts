// Bad payloads from a real, authenticated device: each is dropped and counted by reason, the
// controller keeps working, and nothing bad reaches the database.
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encode, type TelemetryPayload, topics } from '../../shared/index.js';
import { startTestSystem, type TestSystem } from '../system.js';

let sys: TestSystem;
let device: { deviceId: string; secret: string };
let client: MqttClient;

const heartbeat = (over: Partial<TelemetryPayload> = {}): TelemetryPayload => ({
  v: 1,
  ts: Date.now(),
  uptimeS: 5,
  agentVersion: 'test',
  volume: 50,
  power: 'on',
  playing: null,
  diskFreeBytes: null,
  cacheBytes: 0,
  clockOffsetMs: null,
  signalDbm: null,
  manifestVersion: null,
  ...over,
});

const dropped = async (reason: string) => {
  const text = await sys.ctx.metrics.registry.getSingleMetricAsString('loa_mqtt_payloads_dropped_total');
  const line = text.split('\n').find((l) => l.includes(`kind="telemetry"`) && l.includes(`reason="${reason}"`));
  return line ? Number(line.split(' ').pop()) : 0;
};
const rows = () => (sys.ctx.database.sqlite.prepare('SELECT COUNT(*) AS n FROM heartbeats WHERE device_id = ?').get(device.deviceId) as { n: number }).n;

beforeAll(async () => {
  sys = await startTestSystem();
  device = await sys.provision('01858');
  client = await mqtt.connectAsync(sys.mqttUrl, { clientId: device.deviceId, username: device.deviceId, password: device.secret, protocolVersion: 4 });
});
afterAll(async () => {
  await client?.endAsync();
  await sys?.close();
});

describe('the controller drops and counts bad payloads', () => {
  const cases: [string, string | Buffer, string][] = [
    ['non-JSON', '{"v":1, nope', 'not_json'],
    ['wrong schema', JSON.stringify({ ...heartbeat(), volume: 'loud' }), 'invalid'],
    ['unknown version', JSON.stringify({ ...heartbeat(), v: 99 }), 'unsupported_version'],
    ['oversized', Buffer.alloc(10_000, 0x7b), 'too_large'],
  ];
  for (const [what, payload, reason] of cases) {
    it(`${what} → dropped as ${reason}`, async () => {
      const before = await dropped(reason);
      await client.publishAsync(topics.telemetry(device.deviceId), payload, { qos: 1 });
      await vi.waitFor(async () => expect(await dropped(reason)).toBe(before + 1), { timeout: 3000, interval: 50 });
    });
  }

  it('still ingests the next good heartbeat, and stored nothing from the bad ones', async () => {
    expect(rows()).toBe(0);

    await client.publishAsync(topics.telemetry(device.deviceId), encode('telemetry', heartbeat()), { qos: 1 });
    await vi.waitFor(() => expect(rows()).toBe(1), { timeout: 3000, interval: 50 });
    const health = await sys.http('GET', '/healthz');
    expect(health.status).toBe(200);
  });

  it('flags a cluster whose reported clock offset exceeds the threshold', async () => {
    await client.publishAsync(topics.telemetry(device.deviceId), encode('telemetry', heartbeat({ clockOffsetMs: -1800 })), { qos: 1 });
    const admin = await sys.adminCookie();
    await vi.waitFor(async () => expect((await sys.http('GET', `/api/v1/devices/${device.deviceId}`, { cookie: admin })).body.clockAlarm).toBe(true), { timeout: 3000, interval: 50 });
    const flagged = await sys.http('GET', '/api/v1/devices?clockAlarm=true', { cookie: admin });
    expect(flagged.body.items.map((d: { id: string }) => d.id)).toEqual([device.deviceId]);
    await client.publishAsync(topics.telemetry(device.deviceId), encode('telemetry', heartbeat({ clockOffsetMs: 12 })), { qos: 1 });
    await vi.waitFor(async () => expect((await sys.http('GET', '/api/v1/devices?clockAlarm=true', { cookie: admin })).body.total).toBe(0), { timeout: 3000, interval: 50 });
  });

  it('exports the drops, ingest batches and event-loop lag on /metrics', async () => {
    const res = await fetch(`${sys.httpUrl}/metrics`);
    const text = await res.text();
    expect(text).toContain('loa_mqtt_payloads_dropped_total{kind="telemetry",reason="not_json"} 1');
    expect(text).toMatch(/loa_ingest_batch_size_count\{stream="telemetry"\} [1-9]/);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toMatch(/loa_broker_clients_connected [1-9]/);
  });
});
