// An approved bulletin with a delivery file in the media store, inserted straight into the
// database (the transcode benchmark measures the real upload path). Agents download the file and
// check its sha256; the simulated player never decodes it, so random bytes serve.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { LoaUnderTest } from './loa-under-test.js';

export async function seedApprovedBulletin(loa: LoaUnderTest, ownerAreaCode: string, durationMs: number, sizeBytes = 8_192): Promise<{ id: number; sha256: string }> {
  const { ctx } = loa;
  const temp = ctx.media.store.tempPath('opus');
  await writeFile(temp, randomBytes(sizeBytes));
  const { sha256 } = await ctx.media.store.adoptDelivery(temp, 'opus');
  const now = Date.now();
  const sqlite = ctx.database.sqlite;
  sqlite
    .prepare('INSERT OR IGNORE INTO media_assets (sha256, format, codec, bitrate, channels, sample_rate, duration_ms, size_bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(sha256, 'opus', 'opus', 24_000, 1, 48_000, durationMs, sizeBytes, now);
  const { lastInsertRowid } = sqlite
    .prepare(`INSERT INTO bulletins (title, language, priority_class, owner_area_code, source, status, asset_sha256, created_at, updated_at) VALUES (?, 'vi', 'normal', ?, 'upload', 'approved', ?, ?, ?)`)
    .run('Bản tin thử tải', ownerAreaCode, sha256, now, now);
  return { id: Number(lastInsertRowid), sha256 };
}

export function provinceCode(loa: LoaUnderTest): string {
  const province = loa.ctx.units.all().find((u) => u.level === 'province');
  if (!province) throw new Error('the registry has no province (seed missing)');
  return province.code;
}
