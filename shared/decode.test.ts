import { describe, expect, it } from 'vitest';
import { decode, encode, MAX_PAYLOAD_BYTES, validate } from './decode.js';
import type { TelemetryPayload } from './payloads.js';

const heartbeat: TelemetryPayload = {
  v: 1,
  ts: 1_700_000_000_000,
  uptimeS: 12,
  agentVersion: '0.1.0',
  volume: 70,
  power: 'off',
  playing: null,
  diskFreeBytes: 1_000_000,
  cacheBytes: 0,
  clockOffsetMs: null,
  signalDbm: null,
  manifestVersion: null,
};

describe('decode', () => {
  it('returns a typed value for a valid payload', () => {
    const result = decode('telemetry', encode('telemetry', heartbeat));
    expect(result).toEqual({ ok: true, value: heartbeat });
  });

  it('reports non-JSON without throwing', () => {
    const result = decode('telemetry', Buffer.from('{not json'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.reason).toBe('not_json');
  });

  it('reports an unknown schema version before checking fields', () => {
    const result = decode('telemetry', JSON.stringify({ ...heartbeat, v: 2 }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.reason).toBe('unsupported_version');
  });

  it('reports a wrong-schema payload with the offending path', () => {
    const result = decode('telemetry', JSON.stringify({ ...heartbeat, volume: 400 }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.reason).toBe('invalid');
      expect(result.error.detail).toContain('/volume');
    }
  });

  it('refuses unknown fields, arrays and primitives', () => {
    for (const bad of [JSON.stringify({ ...heartbeat, extra: 1 }), '[]', '42', 'null']) {
      const result = decode('telemetry', bad);
      expect(result.ok, bad).toBe(false);
    }
  });

  it('refuses an oversized payload before parsing it', () => {
    const big = Buffer.alloc(MAX_PAYLOAD_BYTES.telemetry + 1, 0x20);
    const result = decode('telemetry', big);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.reason).toBe('too_large');
  });

  it('accepts each command op with its own parameters and refuses mixed ones', () => {
    const base = { v: 1, ts: 1, id: 'c1', expiresAt: 2 };
    expect(decode('cmd', JSON.stringify({ ...base, op: 'volume', params: { level: 50 } })).ok).toBe(true);
    expect(decode('cmd', JSON.stringify({ ...base, op: 'power', params: { state: 'on' } })).ok).toBe(true);
    expect(
      decode('cmd', JSON.stringify({ ...base, op: 'play', params: { class: 'emergency', source: { type: 'stream', url: 'http://radio/vov1' } } })).ok,
    ).toBe(true);
    expect(decode('cmd', JSON.stringify({ ...base, op: 'volume', params: { state: 'on' } })).ok).toBe(false);
    expect(
      decode('cmd', JSON.stringify({ ...base, op: 'play', params: { class: 'normal', source: { type: 'stream', url: 'file:///etc/passwd' } } })).ok,
    ).toBe(false);
  });
});

describe('validate', () => {
  it('gives the same verdict on a value as decode gives on its JSON', () => {
    const good = { v: 1, ts: 1, id: 'c1', status: 'ok' };
    const cases: unknown[] = [good, { ...good, status: 'maybe' }, { ...good, v: 2 }, { ...good, extra: 1 }, { ...good, ts: Number.NaN }, [good], 'text', null];
    for (const value of cases) {
      const fromValue = validate('cmd/result', value);
      const fromWire = decode('cmd/result', JSON.stringify(value) ?? '');
      expect(fromValue.ok, JSON.stringify(value)).toBe(fromWire.ok);
      if (!fromValue.ok && !fromWire.ok) expect(fromValue.error.reason).toBe(fromWire.error.reason);
    }
  });
});
