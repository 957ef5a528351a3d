import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { childrenCpuSeconds, cpuSeconds, rssBytes } from './proc.js';

function burn(ms: number): void {
  const until = Date.now() + ms;
  let x = 0;
  while (Date.now() < until) x += Math.sqrt(x + 1);
  expect(x).toBeGreaterThan(0);
}

describe('/proc readings', () => {
  it('cpuSeconds grows with the CPU this process burns, in step with process.cpuUsage()', () => {
    const before = cpuSeconds(process.pid)!;
    const usage0 = process.cpuUsage();
    burn(300);
    const spent = cpuSeconds(process.pid)! - before;
    const usage = process.cpuUsage(usage0);
    expect(spent).toBeGreaterThan(0.2);
    expect(Math.abs(spent - (usage.user + usage.system) / 1e6)).toBeLessThan(0.05); // ticks are 10 ms
  });

  it('childrenCpuSeconds counts a child once it has ended', () => {
    const before = childrenCpuSeconds()!;
    execFileSync(process.execPath, ['-e', 'const t = Date.now() + 300; let x = 0; while (Date.now() < t) x += Math.sqrt(x + 1);']);
    expect(childrenCpuSeconds()! - before).toBeGreaterThan(0.2);
  });

  it('is null for a process that does not exist', () => {
    expect(cpuSeconds(2 ** 22 + 7)).toBeNull();
    expect(rssBytes(2 ** 22 + 7)).toBeNull();
  });
});
