// Publishes retained manifests with a bounded number in flight. 20,000 QoS 1 publishes handed to
// the MQTT client at once make its acknowledgement handling slow and block the event loop; a
// queue keyed by device also means only the newest version of a manifest is ever sent. While the
// link is down nothing is handed over: what was stored but not published is re-queued on connect.
import type { Logger } from '../../platform/logger.js';
import type { ControllerMqtt } from '../mqtt/link.js';

interface Entry {
  topic: string;
  version: number;
  body: Buffer;
}

export class PublishQueue {
  private readonly pending = new Map<string, Entry>();
  private inflight = 0;
  private failuresLogged = 0;

  constructor(
    private readonly mqtt: Pick<ControllerMqtt, 'publish' | 'connected'>,
    private readonly onPublished: (key: string, version: number) => void,
    private readonly logger: Logger,
    private readonly maxInflight = 200,
  ) {}

  push(key: string, topic: string, version: number, body: Buffer): void {
    // A newer version replaces one still waiting (Map order keeps the first position).
    this.pending.set(key, { topic, version, body });
    this.pump();
  }

  get size(): number {
    return this.pending.size + this.inflight;
  }

  pump(): void {
    if (!this.mqtt.connected) return;
    while (this.inflight < this.maxInflight && this.pending.size > 0) {
      const [key, entry] = this.pending.entries().next().value as [string, Entry];
      this.pending.delete(key);
      this.inflight++;
      this.mqtt
        .publish(entry.topic, entry.body, { qos: 1, retain: true })
        .then(() => this.onPublished(key, entry.version))
        .catch((err) => {
          if (this.failuresLogged++ < 20) this.logger.warn({ err: (err as Error).message, key }, 'manifest publish failed; re-sent on reconnect');
        })
        .finally(() => {
          this.inflight--;
          this.pump();
        });
    }
  }
}
