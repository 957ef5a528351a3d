// Credential checks for a broker running alone (`loa broker`): ask the controller over HTTP.
// A reconnect storm (20,000 agents after a broker restart) must not become 20,000 HTTP calls
// each time, nor 20,000 concurrent sockets to the controller, so answers are cached briefly and
// calls go through a small concurrency limit.
import { createHash } from 'node:crypto';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { Logger } from 'pino';
import {
  type Authenticate,
  AuthenticateResponseSchema,
  type BrokerIdentity,
  MQTT_AUTHENTICATE_PATH,
} from './identity.js';

export interface HttpAuthenticateOptions {
  controllerUrl: string;
  serviceName: string;
  serviceSecret: string;
  logger: Logger;
  /** Per HTTP call, response body included. */
  timeoutMs?: number;
  /** How long a positive answer is reused. A revoked device can connect for at most this long. */
  cacheTtlMs?: number;
  cacheMaxEntries?: number;
  /** HTTP calls in flight at once; the controller's scrypt is CPU-bound, more does not help. */
  maxConcurrent?: number;
  /** Longest wait for a free slot before the attempt is refused as "server unavailable". */
  queueTimeoutMs?: number;
}

/** The controller could not answer; the broker refuses with CONNACK 3 so the agent retries. */
export class AuthBackendError extends Error {
  readonly code = 'MQTT_AUTH_BACKEND_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuthBackendError';
  }
}

const responseChecker = TypeCompiler.Compile(AuthenticateResponseSchema);

interface CacheEntry {
  identity: BrokerIdentity;
  expiresAt: number;
}

/** The credential check, and `forget` for a revoked device (its cached answer must not let it back in). */
export type HttpAuthenticate = Authenticate & { forget(username: string): void };

export function createHttpAuthenticate(options: HttpAuthenticateOptions): HttpAuthenticate {
  const { logger, timeoutMs = 5_000, cacheTtlMs = 60_000, cacheMaxEntries = 50_000 } = options;
  const { maxConcurrent = 8, queueTimeoutMs = 20_000 } = options;
  // RFC 7617 §2: the user-id of Basic auth cannot contain a colon.
  if (options.serviceName.includes(':')) throw new TypeError('serviceName must not contain ":"');
  const url = `${options.controllerUrl.replace(/\/+$/, '')}${MQTT_AUTHENTICATE_PATH}`;
  const authorization = `Basic ${Buffer.from(`${options.serviceName}:${options.serviceSecret}`).toString('base64')}`;
  const cache = new Map<string, CacheEntry>();
  const inFlight = new Map<string, Promise<BrokerIdentity | null>>();
  const waiting: Array<() => void> = [];
  let active = 0;
  let reachable = true;

  function acquire(): Promise<void> {
    if (active < maxConcurrent) {
      active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const index = waiting.indexOf(grant);
        if (index >= 0) waiting.splice(index, 1);
        reject(new AuthBackendError(`no answer slot for the credential check within ${queueTimeoutMs} ms`));
      }, queueTimeoutMs);
      waiting.push(grant);
    });
  }

  // The slot passes straight to the next waiter, so `active` never exceeds the limit.
  function release(): void {
    const next = waiting.shift();
    if (next) next();
    else active--;
  }

  function unavailable(message: string, cause?: unknown): AuthBackendError {
    if (reachable) {
      reachable = false;
      logger.error({ url, err: cause }, `controller unreachable for MQTT credential checks (${message}); refusing MQTT connections until it answers`);
    } else logger.debug({ url, reason: message }, 'controller still unreachable for MQTT credential checks');
    return new AuthBackendError(`controller unreachable: ${message}`, { cause });
  }

  async function ask(body: string): Promise<BrokerIdentity | null> {
    await acquire();
    try {
      const signal = AbortSignal.timeout(timeoutMs);
      const failure = (err: unknown) => {
        const e = err as Error & { cause?: { code?: string } };
        // fetch reports "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND…) is the cause.
        const detail = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `${e.message}${e.cause?.code ? ` (${e.cause.code})` : ''}`;
        return unavailable(detail, err);
      };
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
          body,
          signal,
        });
      } catch (err) {
        throw failure(err);
      }
      if (response.status !== 200) {
        await response.body?.cancel().catch(() => undefined);
        if (response.status === 401 || response.status === 403) return markReachable(null);
        throw unavailable(`HTTP ${response.status} from ${url}`);
      }
      let payload: unknown;
      try {
        payload = await response.json();
      } catch (err) {
        throw failure(err);
      }
      if (!responseChecker.Check(payload)) throw unavailable('the answer does not match the credential-check contract');
      return markReachable(payload.identity);
    } finally {
      release();
    }
  }

  function markReachable<T>(value: T): T {
    if (!reachable) logger.info({ url }, 'controller reachable again for MQTT credential checks');
    reachable = true;
    return value;
  }

  function remember(key: string, identity: BrokerIdentity): void {
    cache.delete(key);
    if (cache.size >= cacheMaxEntries) cache.delete(cache.keys().next().value!);
    cache.set(key, { identity, expiresAt: Date.now() + cacheTtlMs });
  }

  const httpAuthenticate: Authenticate = async (req) => {
    // The cache key never holds the password itself, only its hash.
    const key = `${req.username}\u0000${createHash('sha256').update(req.password).digest('hex')}`;
    const hit = cache.get(key);
    if (hit && hit.expiresAt > Date.now()) return hit.identity;
    if (hit) cache.delete(key);
    // Concurrent attempts with the same credentials share one HTTP call.
    let pending = inFlight.get(key);
    if (!pending) {
      pending = ask(JSON.stringify(req)).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    const identity = await pending;
    if (identity) remember(key, identity);
    return identity;
  };

  function forget(username: string): void {
    const prefix = `${username}\u0000`;
    for (const key of cache.keys()) if (key.startsWith(prefix)) cache.delete(key);
  }

  return Object.assign(httpAuthenticate, { forget });
}
