import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../platform/logger.js';
import type { EventsPayload } from '../../shared/payloads.js';
import { systemClock } from '../clock.js';
import { Outbox } from './outbox.js';
import { EventUploader } from './uploader.js';

/** A link stand-in: records publishes, lets the test connect it and deliver acknowledgements. */
class FakeLink {
  connected = false;
  sent: EventsPayload[] = [];
  private connectListeners: (() => void)[] = [];
  private ackHandler: ((p: { seq: number }) => void) | undefined;
  publish = async (_kind: 'events', payload: EventsPayload) => {
    this.sent.push(payload);
    return true;
  };
  onConnect = (l: () => void) => {
    this.connectListeners.push(l);
    return () => undefined;
  };
  handle = (_kind: 'events/ack', h: (p: { seq: number }) => void) => {
    this.ackHandler = h;
    return () => undefined;
  };
  connect() {
    this.connected = true;
    for (const l of this.connectListeners) l();
  }
  ack(seq: number) {
    this.ackHandler?.({ seq });
  }
  get seqs() {
    return this.sent.flatMap((b) => b.events.map((e) => e.seq));
  }
}

let dir: string;
let outbox: Outbox;
let link: FakeLink;
let uploader: EventUploader;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'loa-upload-'));
  outbox = new Outbox({ dir, log: silentLogger, clock: systemClock });
  await outbox.open();
  link = new FakeLink();
  uploader = new EventUploader({ outbox, link: link as never, clock: systemClock, log: silentLogger, ackTimeoutMs: 300 });
  uploader.start();
});
afterEach(async () => {
  uploader.stop();
  await outbox.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('EventUploader', () => {
  it('holds events while offline and sends them from the last acknowledgement on connect', async () => {
    await Promise.all(['a', 'b', 'c'].map((d) => outbox.append({ type: 'fault', detail: d })));
    expect(link.sent).toEqual([]);
    link.connect();
    expect(link.seqs).toEqual([1, 2, 3]);
    link.ack(2);
    link.connected = false;
    link.connect();
    expect(link.seqs).toEqual([1, 2, 3, 3]);
  });

  it('sends new events as they are recorded, in batches of at most 500', async () => {
    link.connect();
    await Promise.all(Array.from({ length: 1_200 }, (_, i) => outbox.append({ type: 'fault', detail: `e${i}` })));
    expect(link.sent.map((b) => b.events.length)).toEqual([500, 500, 200]);
    expect(link.seqs).toEqual(Array.from({ length: 1_200 }, (_, i) => i + 1));
  });

  it('sends again from the last acknowledgement when the controller does not acknowledge in time', async () => {
    link.connect();
    await outbox.append({ type: 'fault', detail: 'lost at the controller' });
    expect(link.seqs).toEqual([1]);
    await vi.waitFor(() => expect(link.seqs).toEqual([1, 1]), { timeout: 2_000 });
    link.ack(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(link.seqs).toEqual([1, 1]);
    expect(outbox.after(0)).toEqual([]);
  });
});
