// Reading a process's memory and CPU from /proc (Linux), for footprint figures that include
// everything the kernel charges to it, not just the V8 heap.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clockTicks: number | null = null;

/** Kernel clock ticks per second (USER_HZ), the unit of utime/stime in /proc/<pid>/stat. */
export function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Resident set size in bytes (VmRSS of /proc/<pid>/status), or null when the process is gone. */
export function rssBytes(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * The fields of /proc/<pid>/stat from the third (state) on, or null when the process is gone.
 * The command name may contain spaces and parentheses: fields are counted after the last ")".
 */
function statFields(pid: number | 'self'): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) the process has used so far, or null when it is gone. */
export function cpuSeconds(pid: number): number | null {
  const fields = statFields(pid);
  // utime and stime are fields 14 and 15 of proc(5); here indices 11 and 12 (from field 3).
  return fields ? (Number(fields[11]) + Number(fields[12])) / ticksPerSecond() : null;
}

/** CPU seconds used by this process's children that have ended (cutime + cstime), or null without /proc. */
export function childrenCpuSeconds(): number | null {
  const fields = statFields('self');
  // cutime and cstime are fields 16 and 17 of proc(5); here indices 13 and 14.
  return fields ? (Number(fields[13]) + Number(fields[14])) / ticksPerSecond() : null;
}

/** Memory of this process after a full garbage collection (V8's gc exposed at run time). */
export async function settledMemory(): Promise<{ rss: number; heapUsed: number }> {
  const { setFlagsFromString } = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed };
}
