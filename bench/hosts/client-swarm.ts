// MQTT.js clients shaped like Loa's agents, in their own process, for the memory floor of the
// connections scenario (bare-aedes.ts): each a persistent session (clean: false) with a Last Will,
// the six exact subscriptions of an agent (its cmd, manifest and events/ack; its commune's,
// district's and province's area commands) and one retained state. Ready once all are set up.
import mqtt, { type MqttClient } from 'mqtt';
import { topics } from '../../shared/topics.js';
import { serveJob } from './host.js';

export interface ClientSwarmJob {
  url: string;
  clients: number;
  /** Clients started per 100 ms (the broker is measured at rest, not under a storm). */
  perTick: number;
}
export interface ClientSwarmReady {
  connected: number;
  failed: number;
}

serveJob<ClientSwarmJob, ClientSwarmReady>(async (job) => {
  const clients: MqttClient[] = [];
  let failed = 0;
  const setUp: Array<Promise<void>> = [];
  for (let i = 0; i < job.clients; i++) {
    const id = `floor-${String(i).padStart(6, '0')}`;
    const offline = JSON.stringify({ v: 1, ts: 1, online: false, reason: 'lost' });
    const client = mqtt.connect(job.url, { clientId: id, clean: false, reconnectPeriod: 0, keepalive: 120, connectTimeout: 60_000, will: { topic: topics.state(id), payload: Buffer.from(offline), qos: 1, retain: true } });
    clients.push(client);
    const areas = [`0${String(i % 108).padStart(4, '0')}`, `0${String(i % 8).padStart(2, '0')}`, '06'];
    setUp.push(
      new Promise<void>((resolve) => {
        client.once('error', () => {
          failed++;
          resolve();
        });
        client.once('connect', async () => {
          try {
            await client.subscribeAsync([topics.cmd(id), topics.manifest(id), topics.eventsAck(id), ...areas.map((a) => topics.areaCmd(a))], { qos: 1 });
            await client.publishAsync(topics.state(id), JSON.stringify({ v: 1, ts: Date.now(), online: true, agentVersion: '0.1.0' }), { qos: 1, retain: true });
          } catch {
            failed++;
          }
          resolve();
        });
      }),
    );
    if (i % job.perTick === job.perTick - 1) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await Promise.all(setUp);
  return {
    ready: { connected: clients.filter((c) => c.connected).length, failed },
    async stop() {
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    },
  };
});
