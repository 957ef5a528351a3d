// A small HTTP(S) GET on node:http — not fetch(): undici costs the agent megabytes of memory it
// needs only now and then, and the cluster's idle footprint is budgeted (≤ 60 MB RSS).
import type { IncomingMessage } from 'node:http';

export interface GetOptions {
  headers?: Record<string, string>;
  /** Socket idle timeout (connecting, or waiting for the next bytes). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Resolves with the response (any status); rejects on network errors and timeouts. */
export async function httpGet(url: string, options: GetOptions = {}): Promise<IncomingMessage> {
  const target = new URL(url);
  const lib = target.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    const req = lib.get(target, { headers: options.headers, signal: options.signal }, resolve);
    req.setTimeout(options.timeoutMs ?? 30_000, () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 30_000} ms`)));
    req.on('error', reject);
  });
}

/** Reads a small response body as text (error bodies, the time endpoint). */
export async function readBody(res: IncomingMessage, maxBytes = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      res.destroy();
      throw new Error(`response larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
