// Connection-rate limiting per remote address: a token bucket checked when a TCP connection is
// accepted, before any TLS handshake, HTTP upgrade or MQTT parsing is spent on it. 4G carriers
// put many clusters behind one address (CGNAT), so the burst is generous and the sustained rate
// modest; what it stops is one address reconnecting in a tight loop.

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface ConnectRateLimiterOptions {
  /** Connections one address may open at once (bucket capacity). */
  burst: number;
  /** Tokens added back per second. */
  ratePerS: number;
  /** Hard cap on tracked addresses; see `take`. */
  maxAddresses?: number;
  now?: () => number;
}

export class ConnectRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;
  private readonly ratePerMs: number;
  private readonly maxAddresses: number;
  private readonly now: () => number;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(options: ConnectRateLimiterOptions) {
    this.burst = options.burst;
    this.ratePerMs = options.ratePerS / 1000;
    this.maxAddresses = options.maxAddresses ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** Takes one token for `address`; false = over the limit, refuse the connection. */
  take(address: string): boolean {
    const now = this.now();
    let bucket = this.buckets.get(address);
    if (bucket === undefined) {
      // Memory must stay bounded even when connections come from very many addresses (IPv6):
      // drop idle buckets first; if every bucket is still active, let the newcomer through
      // untracked rather than refuse legitimate devices because of someone else's flood.
      if (this.buckets.size >= this.maxAddresses) this.sweep();
      if (this.buckets.size >= this.maxAddresses) return true;
      bucket = { tokens: this.burst, updatedAt: now };
      this.buckets.set(address, bucket);
    } else {
      bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.updatedAt) * this.ratePerMs);
      bucket.updatedAt = now;
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Number of addresses currently tracked (for tests and diagnostics). */
  get size(): number {
    return this.buckets.size;
  }

  /**
   * Forgets buckets that have refilled completely: a full bucket behaves exactly like a missing
   * one, so this changes no decision and bounds memory to the addresses active recently.
   */
  sweep(): void {
    const now = this.now();
    for (const [address, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) * this.ratePerMs >= this.burst) this.buckets.delete(address);
    }
  }

  /** Sweeps periodically; the timer does not keep the process alive. */
  start(intervalMs = 30_000): void {
    if (this.sweepTimer) return;
    this.sweepTimer = setInterval(() => this.sweep(), intervalMs);
    this.sweepTimer.unref();
  }

  stop(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    this.buckets.clear();
  }
}
