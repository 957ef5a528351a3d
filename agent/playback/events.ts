// Where playback writes its proof: every event goes through the outbox (durable, numbered)
// before anyone publishes it. Writing an event never throws into playback — the speaker must not
// stop because the disk is full — it is logged instead.
import type { Logger } from '../../platform/logger.js';
import type { DeviceEvent } from '../../shared/payloads.js';
import type { NewEvent, Outbox } from './outbox.js';

export interface EventSink {
  emit(event: NewEvent): Promise<DeviceEvent | undefined>;
}

export class OutboxSink implements EventSink {
  constructor(
    private readonly outbox: Outbox,
    private readonly log: Logger,
  ) {}

  async emit(event: NewEvent): Promise<DeviceEvent | undefined> {
    try {
      const written = await this.outbox.append(clip(event));
      this.log.debug({ event: written }, 'event recorded');
      return written;
    } catch (err) {
      this.log.error({ err, event }, 'could not record an event');
      return undefined;
    }
  }
}

/** Free-text fields are cut to the contract's lengths rather than losing the event. */
function clip(event: NewEvent): NewEvent {
  const out = { ...event };
  if (out.detail !== undefined && out.detail.length > 1000) out.detail = `${out.detail.slice(0, 999)}…`;
  if (out.reason !== undefined && out.reason.length > 64) out.reason = out.reason.slice(0, 64);
  return out;
}
