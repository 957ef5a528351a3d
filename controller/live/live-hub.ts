// Fan-out of live events (presence changes today; other domains may publish theirs) to the
// console's server-sent-event streams, each filtered to its reader's area. A device's area is
// looked up once per change, not once per stream. Every `keepAliveMs` each stream gets a comment
// line (proxies and 4G carriers drop idle connections) and its session is checked again, so a
// signed-out or disabled account stops receiving at once.
import type { Logger } from '../../platform/logger.js';
import type { DevicesRepo } from '../devices/devices.repo.js';
import type { AdminUnitIndex } from '../registry/admin-units.js';
import type { PresenceChange, PresenceService } from '../telemetry/presence.js';
import type { LiveStream } from './live-stream.js';

export interface PresenceEvent extends PresenceChange {
  stationId: number;
  communeCode: string;
  districtCode: string | null;
  name: string;
}

interface DeviceArea {
  stationId: number;
  communeCode: string;
  districtCode: string | null;
  name: string;
}

export class LiveHub {
  private readonly streams = new Set<LiveStream>();
  private timer: NodeJS.Timeout | null = null;
  private readonly onPresence = (change: PresenceChange) => this.publishPresence(change);

  constructor(
    private readonly presence: PresenceService,
    private readonly devices: DevicesRepo,
    private readonly units: AdminUnitIndex,
    private readonly logger: Logger,
    readonly keepAliveMs: number,
    /** Streams one account may hold at once (tabs, phones). */
    readonly maxStreamsPerAccount = 8,
  ) {}

  start(): void {
    this.presence.on('change', this.onPresence);
    this.timer = setInterval(() => this.keepAlive(), this.keepAliveMs);
    this.timer.unref();
  }

  stop(): void {
    this.presence.off('change', this.onPresence);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const stream of this.streams) stream.close();
    this.streams.clear();
  }

  /** Registers a stream; false when the account already holds the maximum. */
  add(stream: LiveStream): boolean {
    let held = 0;
    for (const s of this.streams) if (s.accountKey === stream.accountKey) held++;
    if (held >= this.maxStreamsPerAccount) return false;
    this.streams.add(stream);
    stream.onClose(() => this.streams.delete(stream));
    return true;
  }

  get size(): number {
    return this.streams.size;
  }

  /** Sends an event to every stream whose reader's area contains `areaCode`. */
  publish(areaCode: string, event: string, data: unknown): void {
    if (this.streams.size === 0) return;
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const stream of this.streams) {
      if (this.units.isWithin(stream.scopeCode, areaCode)) stream.writeFrame(frame);
    }
  }

  /** Sends an event about one cluster to the readers whose area holds its commune. */
  publishForDevice(deviceId: string, event: string, data: Record<string, unknown> = {}): void {
    if (this.streams.size === 0) return;
    const area = this.areaOf(deviceId);
    if (area) this.publish(area.communeCode, event, { deviceId, ...area, ...data });
  }

  private publishPresence(change: PresenceChange): void {
    if (this.streams.size === 0) return;
    const area = this.areaOf(change.deviceId);
    if (!area) return;
    const event: PresenceEvent = { ...change, ...area };
    this.publish(area.communeCode, 'presence', event);
  }

  private areaOf(deviceId: string): DeviceArea | undefined {
    const row = this.devices.get(deviceId);
    return row ? { stationId: row.stationId, communeCode: row.communeCode, districtCode: row.districtCode, name: row.name } : undefined;
  }

  private keepAlive(): void {
    for (const stream of this.streams) {
      try {
        if (!stream.stillAuthorised()) {
          stream.writeFrame('event: bye\ndata: {"reason":"session_ended"}\n\n');
          stream.close();
        } else {
          stream.writeFrame(': keep-alive\n\n');
        }
      } catch (err) {
        this.logger.warn({ err }, 'live stream keep-alive failed');
        stream.close();
      }
    }
  }
}
