// Rate limits failed sign-ins per account and per address (in memory: a restart forgets, which
// is acceptable for a throttle). Each failure inside the window counts; past the limit the
// account or address must wait, and the wait doubles with every further failure.
export interface ThrottleOptions {
  windowMs: number;
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  baseLockMs: number;
  maxLockMs: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  windowMs: 15 * 60_000,
  maxFailuresPerAccount: 5,
  maxFailuresPerAddress: 20,
  baseLockMs: 60_000,
  maxLockMs: 60 * 60_000,
};

interface Counter {
  failures: number[];
  lockedUntil: number;
}

export class LoginThrottle {
  private accounts = new Map<string, Counter>();
  private addresses = new Map<string, Counter>();

  constructor(
    private readonly options: ThrottleOptions = DEFAULT_THROTTLE,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Milliseconds to wait before another attempt is allowed, or 0. */
  retryAfterMs(username: string, address: string): number {
    const now = this.clock();
    const waits = [this.accounts.get(username.toLowerCase()), this.addresses.get(address)].map((c) =>
      c && c.lockedUntil > now ? c.lockedUntil - now : 0,
    );
    return Math.max(...waits);
  }

  recordFailure(username: string, address: string): void {
    this.bump(this.accounts, username.toLowerCase(), this.options.maxFailuresPerAccount);
    this.bump(this.addresses, address, this.options.maxFailuresPerAddress);
    this.prune();
  }

  recordSuccess(username: string): void {
    this.accounts.delete(username.toLowerCase());
  }

  private bump(map: Map<string, Counter>, key: string, max: number): void {
    const now = this.clock();
    const counter = map.get(key) ?? { failures: [], lockedUntil: 0 };
    counter.failures = counter.failures.filter((t) => now - t < this.options.windowMs);
    counter.failures.push(now);
    const over = counter.failures.length - max;
    if (over >= 0) {
      counter.lockedUntil = now + Math.min(this.options.baseLockMs * 2 ** over, this.options.maxLockMs);
    }
    map.set(key, counter);
  }

  private prune(): void {
    const now = this.clock();
    for (const map of [this.accounts, this.addresses]) {
      if (map.size < 10_000) continue;
      for (const [key, c] of map) {
        if (c.lockedUntil < now && c.failures.every((t) => now - t >= this.options.windowMs)) map.delete(key);
      }
    }
  }
}
