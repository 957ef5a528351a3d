import { describe, expect, it, vi } from 'vitest';
import { DeviceState } from './device-state.js';

describe('DeviceState', () => {
  it('starts at volume 70, power off, nothing playing, no manifest', () => {
    expect(new DeviceState().get()).toEqual({ volume: 70, power: 'off', playing: null, manifestVersion: null });
  });

  it('tells listeners about real changes only, with the previous snapshot', () => {
    const state = new DeviceState();
    const listener = vi.fn();
    const unsubscribe = state.onChange(listener);
    state.setVolume(40);
    state.setVolume(40);
    state.setPower('on');
    expect(listener).toHaveBeenCalledTimes(2);
    expect(listener.mock.calls[0]).toEqual([expect.objectContaining({ volume: 40 }), expect.objectContaining({ volume: 70 })]);
    unsubscribe();
    state.setPower('off');
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('refuses values the wire could not carry', () => {
    const state = new DeviceState();
    expect(() => state.setVolume(101)).toThrow(RangeError);
    expect(() => state.setVolume(2.5)).toThrow(RangeError);
    expect(() => state.setManifestVersion(-1)).toThrow(RangeError);
    expect(state.get().volume).toBe(70);
  });

  it('hands out frozen snapshots, and a failing listener does not undo the change', () => {
    const state = new DeviceState();
    state.onChange(() => {
      throw new Error('listener bug');
    });
    state.setPlaying({ class: 'emergency', source: 'stream', commandId: 'c1', startedAt: 1 });
    expect(state.get().playing).toEqual({ class: 'emergency', source: 'stream', commandId: 'c1', startedAt: 1 });
    expect(Object.isFrozen(state.get())).toBe(true);
  });
});
