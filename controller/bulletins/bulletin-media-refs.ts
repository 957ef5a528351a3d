// Bulletins as a source of media references (media-refs.ts): a bulletin that is not archived
// keeps its original and its delivery file, as does a transcode job still waiting to run; a
// cluster may fetch the delivery file of an approved bulletin owned by its commune, its district
// or its province — what could be scheduled on it.
import type { LoaDatabase } from '../db/client.js';
import type { MediaReferenceSource } from '../media/media-refs.js';
import type { AdminUnitIndex } from '../registry/admin-units.js';

export function bulletinMediaSource(database: LoaDatabase, units: AdminUnitIndex): MediaReferenceSource {
  const sqlite = database.sqlite;
  const referenced = sqlite.prepare(
    `SELECT 1 FROM bulletins WHERE status != 'archived' AND (asset_sha256 = @sha OR original_sha256 = @sha)
     UNION ALL SELECT 1 FROM transcode_jobs WHERE status IN ('queued', 'running') AND source_sha256 = @sha LIMIT 1`,
  );
  const approvedOwners = sqlite.prepare(`SELECT DISTINCT owner_area_code AS code FROM bulletins WHERE status = 'approved' AND asset_sha256 = ?`);
  const communeOf = sqlite.prepare('SELECT s.commune_code AS code FROM devices d JOIN stations s ON s.id = d.station_id WHERE d.id = ?');
  return {
    name: 'bulletins',
    isReferenced: (sha256) => referenced.get({ sha: sha256 }) !== undefined,
    deviceMayFetch: (deviceId, sha256) => {
      const owners = approvedOwners.all(sha256) as Array<{ code: string }>;
      if (owners.length === 0) return false;
      const commune = communeOf.get(deviceId) as { code: string } | undefined;
      if (!commune) return false;
      const areas = new Set(units.areaCodesOf(commune.code));
      return owners.some((o) => areas.has(o.code));
    },
  };
}
