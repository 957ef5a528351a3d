import { describe, expect, it } from 'vitest';
import { processCpuMs } from './proc-cpu.js';

describe('processCpuMs', () => {
  it('grows with the CPU this process burns, in step with process.cpuUsage()', () => {
    const before = processCpuMs(process.pid)!;
    const usage0 = process.cpuUsage();
    const until = Date.now() + 300;
    let x = 0;
    while (Date.now() < until) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    const spent = processCpuMs(process.pid)! - before;
    const usage = process.cpuUsage(usage0);
    const expected = (usage.user + usage.system) / 1000;
    expect(spent).toBeGreaterThan(200);
    expect(Math.abs(spent - expected)).toBeLessThan(50); // ticks are 10 ms
  });

  it('is null for a process that does not exist', () => {
    expect(processCpuMs(2 ** 22 + 7)).toBeNull();
  });
});
