import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decode } from '../shared/decode.js';
import type { TelemetryPayload } from '../shared/payloads.js';
import { DeviceState } from './device-state.js';
import { diskFreeBytes, Telemetry, type TelemetryOptions } from './telemetry.js';

function setup(overrides: Partial<TelemetryOptions> = {}) {
  const sent: { at: number; payload: TelemetryPayload }[] = [];
  const link = {
    online: true,
    publish: vi.fn(async (_kind: 'telemetry', payload: TelemetryPayload) => {
      if (!link.online) return false;
      sent.push({ at: Date.now(), payload });
      return true;
    }),
  };
  const deviceState = new DeviceState();
  const telemetry = new Telemetry({
    deviceState,
    link,
    agentVersion: '1.2.3',
    intervalS: 30,
    dataDir: '/nonexistent',
    random: () => 0.25,
    providers: { diskFreeBytes: () => 1_000_000 },
    ...overrides,
  });
  return { telemetry, link, sent, deviceState };
}

describe('Telemetry (heartbeat)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('beats first after a random part of the interval, then every interval', async () => {
    const { telemetry, sent } = setup();
    telemetry.start();
    await vi.advanceTimersByTimeAsync(7_499);
    expect(sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1); // 0.25 × 30 s
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(90_000);
    expect(sent.map((s) => s.at - 1_700_000_000_000)).toEqual([7_500, 37_500, 67_500, 97_500]);
    expect(sent.map((s) => s.payload.uptimeS)).toEqual([7, 37, 67, 97]);
    telemetry.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(sent).toHaveLength(4);
  });

  it('publishes a payload the contract accepts, from the device state and providers', async () => {
    const { telemetry, sent, deviceState } = setup();
    deviceState.setVolume(55);
    deviceState.setManifestVersion(12);
    telemetry.start();
    await vi.advanceTimersByTimeAsync(7_500);
    const payload = sent[0]!.payload;
    expect(decode('telemetry', JSON.stringify(payload))).toEqual({ ok: true, value: payload });
    expect(payload).toEqual({
      v: 1,
      ts: 1_700_000_007_500,
      uptimeS: 7,
      agentVersion: '1.2.3',
      volume: 55,
      power: 'off',
      playing: null,
      diskFreeBytes: 1_000_000,
      cacheBytes: 0,
      clockOffsetMs: null,
      signalDbm: null,
      manifestVersion: 12,
    });
    telemetry.stop();
  });

  it('uses plugged-in providers and turns impossible or failing readings into null', async () => {
    const { telemetry } = setup();
    telemetry.provide({ cacheBytes: async () => 4096, clockOffsetMs: () => -3.5, signalDbm: () => -87 });
    expect(await telemetry.snapshot()).toMatchObject({ cacheBytes: 4096, clockOffsetMs: -3.5, signalDbm: -87 });
    telemetry.provide({
      signalDbm: () => 12,
      clockOffsetMs: () => Number.NaN,
      diskFreeBytes: () => {
        throw new Error('statfs exploded');
      },
    });
    const snapshot = await telemetry.snapshot();
    expect(snapshot).toMatchObject({ signalDbm: null, clockOffsetMs: null, diskFreeBytes: null });
    expect(decode('telemetry', JSON.stringify(snapshot)).ok).toBe(true);
  });

  it('drops beats while offline instead of queueing them, and carries on', async () => {
    const { telemetry, sent, link } = setup();
    link.online = false;
    telemetry.start();
    await vi.advanceTimersByTimeAsync(67_500);
    expect(link.publish).toHaveBeenCalledTimes(3);
    link.online = true;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(sent).toHaveLength(1);
    telemetry.stop();
  });

  it('applies a new interval after the next beat', async () => {
    const { telemetry, sent } = setup();
    telemetry.start();
    await vi.advanceTimersByTimeAsync(7_500);
    telemetry.setIntervalS(10);
    await vi.advanceTimersByTimeAsync(30_000 + 20_000);
    expect(sent.map((s) => s.at - 1_700_000_000_000)).toEqual([7_500, 37_500, 47_500, 57_500]);
    expect(() => telemetry.setIntervalS(0)).toThrow(RangeError);
    telemetry.stop();
  });
});

describe('diskFreeBytes', () => {
  it('reads the free space of a real folder, and null for a missing one', async () => {
    vi.useRealTimers();
    expect(await diskFreeBytes(process.cwd())).toBeGreaterThan(0);
    expect(await diskFreeBytes('/definitely/not/here')).toBeNull();
  });
});
