// Fires a callback at a wall-clock instant with millisecond precision (start skew target:
// p99 ≤ 20 ms across the fleet). A coarse timer wakes us a few ms early, then we yield to the
// event loop (setImmediate) until the clock reaches the instant — a busy wait of at most SPIN_MS.
// Long waits are cut into steps of at most COARSE_MAX_MS and re-measured against the wall
// clock, so an NTP correction in between moves the start with it.
import type { Clock, TimerHandle } from '../clock.js';

const SPIN_MS = 3;
const COARSE_MAX_MS = 60_000;

export type Cancel = () => void;

export function atTime(clock: Clock, at: number, fn: () => void, maxStepMs = COARSE_MAX_MS): Cancel {
  let handle: TimerHandle | undefined;
  let immediate: ReturnType<typeof setImmediate> | undefined;
  let cancelled = false;
  const check = () => {
    handle = undefined;
    immediate = undefined;
    if (cancelled) return;
    const remaining = at - clock.now();
    if (remaining <= 0) fn();
    else if (remaining > SPIN_MS) handle = clock.setTimeout(check, Math.min(remaining - SPIN_MS, maxStepMs));
    else immediate = setImmediate(check);
  };
  handle = clock.setTimeout(check, 0);
  return () => {
    cancelled = true;
    clock.clearTimeout(handle);
    if (immediate) clearImmediate(immediate);
  };
}
