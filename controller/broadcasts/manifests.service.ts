// Per-device manifests: the resolved programme from the start of the local day to the horizon,
// plus device config. The body is hashed; `version` increases only when the hash changes, and
// only then is the manifest published (retained, QoS 1) to `devices/{id}/manifest`. Rebuilds are
// coalesced and run in batches that yield to the event loop, so 20,000 manifests never block it
// for long. Devices that come online holding another version get the stored one again; one that
// comes online with nothing stored is rebuilt alone, unless the last rebuild found it has nothing
// to play (it is then left alone: a reconnect storm of unscheduled clusters costs no rebuilds).
import { createHash } from 'node:crypto';
import { setTimeout as sleep, setImmediate as yieldToLoop } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import { DateTime } from 'luxon';
import { type DeviceConfig, encode, MAX_PAYLOAD_BYTES, type ManifestItem, type ManifestPayload, PAYLOAD_VERSION, topics } from '../../shared/index.js';
import type { Logger } from '../../platform/logger.js';
import type { ControllerMqtt } from '../mqtt/link.js';
import type { SchedulesRepo } from '../schedules/schedules.repo.js';
import { ProgrammeIndex } from './programme-index.js';
import { programmeItems } from './programme.js';
import { PlannedResults } from './planned-results.js';
import { PublishQueue } from './publish-queue.js';

// Clusters per transaction; a batch takes tens of milliseconds, then the event loop gets a turn.
const BATCH = 100;
const MAX_ITEMS = 5000;
// Rebuilds asked for while one runs wait this long, so clusters coming online in a storm are
// rebuilt in batches rather than one rebuild each.
const STORM_COALESCE_MS = 100;

export interface ManifestDeps {
  sqlite: Database.Database;
  repo: SchedulesRepo;
  mqtt: Pick<ControllerMqtt, 'publish' | 'connected'>;
  logger: Logger;
  clock: () => number;
  timezone: string;
  deviceConfig: DeviceConfig;
  horizonEnd: (now: number) => number;
}

export class ManifestService {
  private dirty = new Set<string>();
  private all = false;
  private running: Promise<void> | null = null;
  private again = false;
  private readonly results: PlannedResults;
  /** sha256 → devices whose current manifest references it (media retention and download rights). */
  private readonly mediaOf = new Map<string, Set<string>>();
  private mediaLoaded = false;
  /** Clusters the last rebuild found with nothing to play and no manifest stored (none is sent). */
  private readonly emptyProgramme = new Set<string>();
  /** Rebuild passes and the clusters they considered, since start (tests, diagnostics). */
  readonly stats = { rebuilds: 0, clustersConsidered: 0 };
  private readonly select: Database.Statement;
  private readonly upsert: Database.Statement;
  private readonly markPublished: Database.Statement;
  private readonly queue: PublishQueue;

  constructor(private readonly deps: ManifestDeps) {
    const { sqlite } = deps;
    this.results = new PlannedResults(sqlite);
    this.select = sqlite.prepare('SELECT version, hash, body, published_version FROM device_manifests WHERE device_id = ?');
    this.upsert = sqlite.prepare(
      `INSERT INTO device_manifests (device_id, version, hash, body, built_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(device_id) DO UPDATE SET version = excluded.version, hash = excluded.hash, body = excluded.body, built_at = excluded.built_at`,
    );
    this.markPublished = sqlite.prepare('UPDATE device_manifests SET published_version = ?, published_at = ? WHERE device_id = ? AND version = ?');
    this.queue = new PublishQueue(deps.mqtt, (deviceId, version) => this.markPublished.run(version, deps.clock(), deviceId, version), deps.logger);
  }

  markDirty(deviceIds: Iterable<string>): void {
    for (const id of deviceIds) this.dirty.add(id);
    this.kick();
  }

  markAll(): void {
    this.all = true;
    this.kick();
  }

  /** Resolves when no rebuild is queued or running (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Manifests waiting to be published or in flight. */
  get unpublished(): number {
    return this.queue.size;
  }

  current(deviceId: string): ManifestPayload | undefined {
    const row = this.select.get(deviceId) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as ManifestPayload) : undefined;
  }

  /** Publishes the stored manifest again (sync command, or a device holding another version). */
  republish(deviceId: string): boolean {
    const row = this.select.get(deviceId) as { version: number; body: string } | undefined;
    if (!row) {
      this.markDirty([deviceId]);
      return false;
    }
    this.publish(deviceId, row.version, Buffer.from(row.body));
    return true;
  }

  /** A device came online: give it its manifest if it holds another version (or none yet). */
  onDeviceOnline(deviceId: string, heldVersion: number | null): void {
    const row = this.select.get(deviceId) as { version: number; body: string } | undefined;
    if (!row) {
      if (!this.emptyProgramme.has(deviceId)) this.markDirty([deviceId]);
    } else if (row.version !== heldVersion) this.publish(deviceId, row.version, Buffer.from(row.body));
  }

  /** After the MQTT link (re)connects: publish what was built but never published. */
  publishPending(): void {
    this.queue.pump();
    const rows = this.deps.sqlite
      .prepare('SELECT device_id, version, body FROM device_manifests WHERE published_version IS NULL OR published_version <> version')
      .all() as { device_id: string; version: number; body: string }[];
    for (const r of rows) this.publish(r.device_id, r.version, Buffer.from(r.body));
  }

  deviceMayFetch(deviceId: string, sha256: string): boolean {
    this.loadMedia();
    return this.mediaOf.get(sha256)?.has(deviceId) ?? false;
  }

  isReferenced(sha256: string): boolean {
    this.loadMedia();
    return (this.mediaOf.get(sha256)?.size ?? 0) > 0;
  }

  private kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      let pass = 0;
      do {
        this.again = false;
        // The first pass coalesces the marks of one tick; later passes, what a storm brought meanwhile.
        if (pass++ === 0) await yieldToLoop();
        else await sleep(STORM_COALESCE_MS);
        try {
          await this.rebuild();
        } catch (err) {
          this.deps.logger.error({ err }, 'manifest rebuild failed');
        }
      } while (this.again || this.dirty.size > 0 || this.all);
    })().finally(() => {
      this.running = null;
    });
  }

  private async rebuild(): Promise<void> {
    const all = this.all;
    const dirty = this.dirty;
    this.all = false;
    this.dirty = new Set();
    if (!all && dirty.size === 0) return;
    await this.loadMediaInChunks();
    const { sqlite, clock, timezone, deviceConfig } = this.deps;
    const now = clock();
    const windowStart = DateTime.fromMillis(now, { zone: timezone }).startOf('day').toMillis();
    const horizonEnd = this.deps.horizonEnd(now);
    const index = new ProgrammeIndex(sqlite, this.deps.repo, windowStart, horizonEnd, all ? { all: true } : { ids: dirty });
    const targets = index.devices;
    this.stats.rebuilds++;
    this.stats.clustersConsidered += targets.length;
    let changed = 0;
    for (let i = 0; i < targets.length; i += BATCH) {
      const batch = targets.slice(i, i + BATCH);
      const out: { deviceId: string; version: number; body: Buffer }[] = [];
      sqlite.transaction(() => {
        for (const device of batch) {
          let items = programmeItems(index.occurrencesFor(device), index.ranksFor(device.communeCode));
          if (items.length > MAX_ITEMS) {
            this.deps.logger.warn({ deviceId: device.id, items: items.length }, 'manifest truncated to the first items');
            items = items.slice(0, MAX_ITEMS);
          }
          let content = { horizonEnd, timezone, items, config: deviceConfig };
          let json = JSON.stringify(content);
          if (Buffer.byteLength(json) > MAX_PAYLOAD_BYTES.manifest - 4096) {
            content = { ...content, items: this.fitting(device.id, items) };
            json = JSON.stringify(content);
          }
          const hash = createHash('sha256').update(json).digest('hex');
          const old = this.select.get(device.id) as { version: number; hash: string; body: string } | undefined;
          if (old?.hash === hash) continue;
          // A cluster that has never had a programme keeps the settings of its own config file
          // until its first item: no empty manifest is sent to the many that have no schedule yet.
          if (!old && content.items.length === 0) {
            this.emptyProgramme.add(device.id);
            continue;
          }
          this.emptyProgramme.delete(device.id);
          const version = (old?.version ?? 0) + 1;
          const payload: ManifestPayload = { v: PAYLOAD_VERSION, ts: now, deviceId: device.id, version, ...content };
          const body = encode('manifest', payload);
          this.upsert.run(device.id, version, hash, body.toString(), now);
          const oldItems = old ? (JSON.parse(old.body) as ManifestPayload).items : [];
          this.results.applyDiff(device, oldItems, content.items, now);
          this.trackMedia(device.id, oldItems, content.items);
          out.push({ deviceId: device.id, version, body });
        }
      })();
      for (const m of out) this.publish(m.deviceId, m.version, m.body);
      changed += out.length;
      await yieldToLoop();
    }
    if (changed > 0) this.deps.logger.info({ devices: targets.length, changed }, 'manifests rebuilt');
  }

  /** Drops the furthest items until the manifest fits the wire limit (MAX_PAYLOAD_BYTES.manifest). */
  private fitting(deviceId: string, items: ManifestItem[]): ManifestItem[] {
    const budget = MAX_PAYLOAD_BYTES.manifest - 4096;
    let size = items.reduce((n, i) => n + Buffer.byteLength(JSON.stringify(i)) + 1, 0);
    if (size <= budget) return items;
    const kept = [...items];
    while (kept.length > 0 && size > budget) size -= Buffer.byteLength(JSON.stringify(kept.pop())) + 1;
    this.deps.logger.warn({ deviceId, items: items.length, kept: kept.length }, 'manifest too large; the furthest items wait for a later roll');
    return kept;
  }

  private publish(deviceId: string, version: number, body: Buffer): void {
    this.queue.push(deviceId, topics.manifest(deviceId), version, body);
  }

  /** Which files each stored manifest references; the first rebuild loads it in chunks. */
  private loadMedia(): void {
    if (this.mediaLoaded) return;
    this.mediaLoaded = true;
    for (const r of this.deps.sqlite.prepare('SELECT device_id, body FROM device_manifests').iterate() as Iterable<{ device_id: string; body: string }>) {
      this.trackMedia(r.device_id, [], (JSON.parse(r.body) as ManifestPayload).items);
    }
  }

  private async loadMediaInChunks(): Promise<void> {
    if (this.mediaLoaded) return;
    const ids = this.deps.sqlite.prepare('SELECT device_id FROM device_manifests').pluck().all() as string[];
    const body = this.deps.sqlite.prepare('SELECT body FROM device_manifests WHERE device_id = ?').pluck();
    const seen = new Map<string, ManifestItem[]>();
    for (let i = 0; i < ids.length; i += BATCH) {
      for (const id of ids.slice(i, i + BATCH)) seen.set(id, (JSON.parse(body.get(id) as string) as ManifestPayload).items);
      await yieldToLoop();
      if (this.mediaLoaded) return; // a synchronous caller loaded it meanwhile
    }
    this.mediaLoaded = true;
    for (const [id, items] of seen) this.trackMedia(id, [], items);
  }

  private trackMedia(deviceId: string, before: ManifestItem[], after: ManifestItem[]): void {
    for (const i of before) if (i.source.type === 'media') this.mediaOf.get(i.source.sha256)?.delete(deviceId);
    for (const i of after) {
      if (i.source.type !== 'media') continue;
      const set = this.mediaOf.get(i.source.sha256);
      if (set) set.add(deviceId);
      else this.mediaOf.set(i.source.sha256, new Set([deviceId]));
    }
  }
}
