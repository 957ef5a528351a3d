import { describe, expect, it } from 'vitest';
import { type ItemRow, outcomeOf, REPORT_GRACE_MS } from './results.repo.js';

const row = (over: Partial<ItemRow>): ItemRow => ({
  device_id: 'd1',
  device_name: 'Cụm 01',
  commune_code: '01858',
  occurrence_id: 1,
  item_index: 0,
  planned_start_at: 1_000_000,
  duration_ms: 60_000,
  status: 'planned',
  started_at: null,
  ended_at: null,
  skew_ms: null,
  reason: null,
  interrupted_by: null,
  ...over,
});

describe('the outcome of an occurrence on one cluster', () => {
  it('is planned until due, then failed as device_offline when nothing was reported', () => {
    expect(outcomeOf([row({})], 1_000_000).outcome).toBe('planned');
    expect(outcomeOf([row({})], 1_060_000 + REPORT_GRACE_MS - 1).outcome).toBe('planned');
    expect(outcomeOf([row({})], 1_060_000 + REPORT_GRACE_MS + 1)).toMatchObject({ outcome: 'failed', reason: 'device_offline' });
  });

  it('is finished only when every piece finished, playing while one is under way', () => {
    const a = row({ status: 'finished', started_at: 1_000_003, ended_at: 1_060_000, skew_ms: 3 });
    expect(outcomeOf([a, row({ item_index: 1, planned_start_at: 1_060_000 })], 1_061_000).outcome).toBe('playing');
    expect(outcomeOf([a, row({ item_index: 1, status: 'finished', ended_at: 1_120_000 })], 1_200_000)).toMatchObject({ outcome: 'finished', skewMs: 3, startedAt: 1_000_003, endedAt: 1_120_000 });
  });

  it('says what interrupted it and why it failed', () => {
    const by = { class: 'emergency', commandId: 'em-1' };
    expect(outcomeOf([row({ status: 'interrupted', interrupted_by: JSON.stringify(by) })], 2_000_000)).toMatchObject({ outcome: 'interrupted', interruptedBy: by });
    expect(outcomeOf([row({ status: 'failed', reason: 'hash_mismatch' })], 2_000_000)).toMatchObject({ outcome: 'failed', reason: 'hash_mismatch' });
    expect(outcomeOf([row({ status: 'skipped', reason: 'expired' })], 2_000_000)).toMatchObject({ outcome: 'skipped', reason: 'expired' });
  });
});
