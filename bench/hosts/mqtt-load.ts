// The MQTT load for broker-vs-mosquitto, in its own process: one subscriber on a wildcard and
// several publishers, each keeping a window of QoS 1 messages in flight (a new one goes out as
// each PUBACK comes back). The rate is messages delivered to the subscriber per second, from the
// first publish until the last delivery.
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { serveJob } from './host.js';

export interface Credentials {
  clientId: string;
  username?: string;
  password?: string;
}

export interface MqttLoadJob {
  url: string;
  subscriber: Credentials & { filter: string };
  publishers: Array<Credentials & { topic: string }>;
  /** Messages in all, shared among the publishers. */
  messages: number;
  /** QoS 1 messages each publisher keeps unacknowledged at once. */
  inFlight: number;
  payloadBytes: number;
  timeoutMs: number;
}

export interface MqttLoadResult {
  sent: number;
  acked: number;
  received: number;
  seconds: number;
  /** Deliveries per second. */
  rate: number;
  timedOut: boolean;
}

function connect(url: string, who: Credentials): Promise<MqttClient> {
  const options: IClientOptions = { ...who, reconnectPeriod: 0, connectTimeout: 10_000, clean: true, keepalive: 120 };
  const client = mqtt.connect(url, options);
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', (err) => reject(new Error(`${who.clientId}: ${err.message}`)));
  });
}

function payloadOf(bytes: number, seq: number): Buffer {
  // Shaped like a proof-of-play event; padded to the size asked for.
  const base = JSON.stringify({ v: 1, ts: Date.now(), seq, type: 'play_end', occurrenceId: 'occ-bench', pad: '' });
  return Buffer.from(base.replace('"pad":""', `"pad":"${'x'.repeat(Math.max(0, bytes - base.length))}"`));
}

async function runLoad(job: MqttLoadJob): Promise<MqttLoadResult> {
  const subscriber = await connect(job.url, job.subscriber);
  const granted = await subscriber.subscribeAsync(job.subscriber.filter, { qos: 1 });
  if (granted[0]?.qos !== 1) throw new Error(`subscription to ${job.subscriber.filter} refused (granted ${granted[0]?.qos})`);
  const publishers = await Promise.all(job.publishers.map((p) => connect(job.url, p)));
  let received = 0;
  let sent = 0;
  let acked = 0;
  let started = 0;
  let finished = 0;
  const done = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(true), job.timeoutMs);
    subscriber.on('message', () => {
      received++;
      if (received === job.messages) {
        finished = performance.now();
        clearTimeout(timer);
        resolve(false);
      }
    });
  });
  const share = (i: number) => Math.floor(job.messages / publishers.length) + (i < job.messages % publishers.length ? 1 : 0);
  started = performance.now();
  publishers.forEach((client, i) => {
    const topic = job.publishers[i]!.topic;
    let left = share(i);
    const sendOne = () => {
      if (left <= 0) return;
      left--;
      sent++;
      client.publish(topic, payloadOf(job.payloadBytes, sent), { qos: 1 }, (err) => {
        if (!err) acked++;
        sendOne();
      });
    };
    for (let k = 0; k < job.inFlight; k++) sendOne();
  });
  const timedOut = await done;
  const seconds = ((timedOut ? performance.now() : finished) - started) / 1000;
  await Promise.all([subscriber, ...publishers].map((c) => c.endAsync(true).catch(() => undefined)));
  return { sent, acked, received, seconds, rate: received / seconds, timedOut };
}

serveJob<MqttLoadJob, MqttLoadResult>(async (job) => {
  // The result is the answer: the parent stops this process once it has it.
  return { ready: await runLoad(job), stop: async () => {} };
});
