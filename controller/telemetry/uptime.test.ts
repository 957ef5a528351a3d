import { describe, expect, it } from 'vitest';
import { onlineMs } from './uptime.js';

describe('onlineMs', () => {
  it('counts the whole window when online throughout', () => {
    expect(onlineMs(true, [], 0, 1000)).toBe(1000);
  });
  it('counts nothing when offline throughout', () => {
    expect(onlineMs(false, [], 0, 1000)).toBe(0);
  });
  it('adds online periods between transitions and clips to the window', () => {
    const t = [
      { online: true, at: -500 }, // before the window: sets the initial state
      { online: false, at: 100 },
      { online: true, at: 400 },
      { online: false, at: 700 },
      { online: true, at: 900 },
      { online: false, at: 5000 }, // after the window
    ];
    expect(onlineMs(false, t, 0, 1000)).toBe(100 + 300 + 100);
  });
  it('ignores repeated transitions to the same state', () => {
    expect(onlineMs(false, [{ online: true, at: 0 }, { online: true, at: 500 }], 0, 1000)).toBe(1000);
  });
});
