// Reconnect delays: exponential backoff with "full jitter" (AWS Architecture Blog, "Exponential
// Backoff and Jitter", 2015). After a broker restart 20,000 clusters lose the link in the same
// second; without jitter they would all come back in the same second too, every time.
import type { Random } from './clock.js';

export interface BackoffPolicy {
  /** Ceiling of the first attempt's delay. */
  baseMs: number;
  /** The ceiling never grows past this. */
  capMs: number;
  /** Every delay is at least this (0 = full jitter). */
  minMs?: number;
}

/** Ordinary link loss: the first retry within a second, never more than a minute apart. */
export const RECONNECT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 60_000 };

/**
 * The broker answered and refused us (CONNACK 4 bad credentials / 5 not authorised). Retrying
 * fast cannot help — someone has to fix the credentials or the registry — so retry slowly,
 * but keep retrying: the controller may just be restoring its device table.
 */
export const REFUSED_BACKOFF: BackoffPolicy = { baseMs: 60_000, capMs: 900_000, minMs: 30_000 };

/**
 * Delay before retry number `attempt` (0 = the first retry after a loss): uniform in
 * [minMs, ceiling], where ceiling = min(capMs, baseMs * 2^attempt), and never below minMs.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: Random = Math.random): number {
  const min = Math.max(0, policy.minMs ?? 0);
  // 2 ** attempt overflows to Infinity for large attempts; Math.min keeps that harmless.
  const ceiling = Math.max(min, Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt)));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(min + r * (ceiling - min));
}
