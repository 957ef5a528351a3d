// The open-file limit (RLIMIT_NOFILE). Node cannot call setrlimit, so the simulator starts its
// worker processes through `sh -c 'ulimit -n <hard>; exec node …'` when the soft limit is below
// the hard one, and says in plain words which limit stops it when even the hard one is too low.
import { readFileSync } from 'node:fs';

export interface OpenFileLimit {
  soft: number;
  hard: number;
}

/** Reads "Max open files" from /proc/self/limits; null where there is no /proc. */
export function openFileLimit(): OpenFileLimit | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    if (!line) return null;
    const [soft, hard] = line.replace('Max open files', '').trim().split(/\s+/);
    const n = (v: string | undefined) => (v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v));
    return { soft: n(soft), hard: n(hard) };
  } catch {
    return null;
  }
}

/** Descriptors a broker process needs besides one socket per agent (database, listeners, /proc reads). */
export const RESERVED_FILES = 500;

/**
 * How many agents one process can hold sockets for under its soft open-file limit: beyond it the
 * broker gets EMFILE and even reading its own memory (/proc) fails.
 */
export function agentsWithinFileLimit(asked: number, limit: OpenFileLimit | null): number {
  if (!limit) return asked;
  return Math.min(asked, Math.max(1, limit.soft - RESERVED_FILES));
}

/** What a socket error code means for a fleet on one machine, in words a person can act on. */
export function explainSocketError(code: string): string | null {
  switch (code) {
    case 'EMFILE':
      return 'EMFILE: the process hit its open-file limit (ulimit -n); raise the hard limit (limits.conf, systemd LimitNOFILE) or use more --processes';
    case 'ENFILE':
      return 'ENFILE: the whole system ran out of file handles (fs.file-max)';
    case 'EADDRNOTAVAIL':
      return 'EADDRNOTAVAIL: no free ephemeral port for this source address (net.ipv4.ip_local_port_range); add --source-addresses';
    case 'EADDRINUSE':
      return 'EADDRINUSE: source address and port already in use; add --source-addresses';
    default:
      return null;
  }
}
