// CPU time of a process from /proc/<pid>/stat (utime + stime), for figures that must say whose
// CPU a fleet run used: Loa's process or the simulated agents' on the same cores.
import { readFileSync } from 'node:fs';

/** Linux reports stat times in clock ticks; USER_HZ is 100 on every Linux a bench runs on. */
const TICKS_PER_S = 100;

/** CPU milliseconds a live process has used; null when /proc does not have it (exited, not Linux). */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; count fields from after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime: fields 14 and 15 of stat(5)
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_S : null;
  } catch {
    return null;
  }
}
