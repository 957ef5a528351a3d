// Time and randomness as injected dependencies, so tests can drive timers and jitter
// deterministically instead of sleeping.

export type TimerHandle = ReturnType<typeof setTimeout>;

export interface Clock {
  /** Milliseconds since the epoch (wall clock: NTP may step it). */
  now(): number;
  /** Milliseconds on a clock that never jumps, for durations such as uptime. */
  monotonicMs(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

/**
 * The process clock. It looks the globals up on every call (rather than binding them once)
 * so that vitest's fake timers, installed after import, still take effect.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonicMs: () => performance.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle),
};

/** A uniform random number in [0, 1). */
export type Random = () => number;

/** Rejects with `message` if `promise` has not settled within `ms` on `clock`. */
export function withTimeout<T>(clock: Clock, promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: TimerHandle | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clock.clearTimeout(timer));
}
