// Provisioning many clusters at once (a province's roll-out, the fleet benchmark): the same rules
// as one `provision` — a fresh id, a 256-bit secret shown once, only its hash stored — but the
// rows are inserted in one transaction per batch with a prepared statement (one transaction per
// row is ~10× slower).
import type { LoaDatabase } from '../db/client.js';
import { AppError } from '../errors.js';
import { hashSecret, randomSecret } from '../security/secret-hash.js';
import { newDeviceId } from './device-id.js';
import type { AgentConfigFile } from './devices.service.js';

export interface BulkProvisioned {
  deviceId: string;
  communeCode: string;
  name: string;
  secret: string;
  agentConfig: AgentConfigFile;
}

export interface BulkProvisionHost {
  database: LoaDatabase;
  clock: () => number;
  stationOfCommune(communeCode: string): number;
  namesInStation(stationId: number): string[];
  agentConfig(deviceId: string, communeCode: string, secret: string): AgentConfigFile;
  onProvisioned(deviceIds: string[]): void;
}

export interface BulkProvisionOptions {
  /** Communes to spread the clusters over, round robin. */
  communeCodes: string[];
  count: number;
  /** Rows per transaction (default 500). */
  batchSize?: number;
  /** Called after each committed batch, in order: write the secrets out before the next batch. */
  onBatch?: (batch: BulkProvisioned[]) => void | Promise<void>;
}

export const MAX_BULK_DEVICES = 200_000;

export async function provisionBulk(host: BulkProvisionHost, options: BulkProvisionOptions): Promise<BulkProvisioned[]> {
  const { communeCodes, count } = options;
  if (!Number.isInteger(count) || count < 1 || count > MAX_BULK_DEVICES) {
    throw new AppError('validation_failed', { detail: `count must be a whole number from 1 to ${MAX_BULK_DEVICES}` });
  }
  if (communeCodes.length === 0) throw new AppError('validation_failed', { detail: 'give at least one commune' });
  // Every commune is checked before anything is written: a typo must not leave half a roll-out.
  const stations = communeCodes.map((code) => ({ code, stationId: host.stationOfCommune(code) }));
  const taken = new Map(stations.map((s) => [s.stationId, new Set(host.namesInStation(s.stationId))]));
  const counters = new Map(stations.map((s) => [s.stationId, taken.get(s.stationId)!.size]));
  const nextName = (stationId: number) => {
    const names = taken.get(stationId)!;
    let n = counters.get(stationId)!;
    let name: string;
    do name = `Cụm loa ${String(++n).padStart(2, '0')}`;
    while (names.has(name));
    counters.set(stationId, n);
    names.add(name);
    return name;
  };

  const sqlite = host.database.sqlite;
  const insert = sqlite.prepare(
    'INSERT INTO devices (id, station_id, name, secret_hash, secret_rotated_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertBatch = sqlite.transaction((rows: { id: string; stationId: number; name: string; hash: string; at: number }[]) => {
    for (const r of rows) insert.run(r.id, r.stationId, r.name, r.hash, r.at, r.at, r.at);
  });
  const batchSize = Math.max(1, options.batchSize ?? 500);
  const all: BulkProvisioned[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const planned = Array.from({ length: Math.min(batchSize, count - start) }, (_, i) => {
      const station = stations[(start + i) % stations.length]!;
      return { id: newDeviceId(), station, name: nextName(station.stationId), secret: randomSecret() };
    });
    const hashes = await Promise.all(planned.map((p) => hashSecret(p.secret, 'generated')));
    const at = host.clock();
    insertBatch(planned.map((p, i) => ({ id: p.id, stationId: p.station.stationId, name: p.name, hash: hashes[i]!, at })));
    host.onProvisioned(planned.map((p) => p.id));
    const batch = planned.map((p) => ({
      deviceId: p.id,
      communeCode: p.station.code,
      name: p.name,
      secret: p.secret,
      agentConfig: host.agentConfig(p.id, p.station.code, p.secret),
    }));
    await options.onBatch?.(batch);
    all.push(...batch);
  }
  return all;
}
