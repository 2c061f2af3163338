// The load run's CPU split: this process's own time is the generator's; a node child's, even once it has exited and
// been reaped (a hub node killed mid-run), is the hubs'.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { cpuBetween, cpuSnapshot } from './cpu-share.ts';

// CPU time, not wall time: the machine is shared, so a wall-clock loop may get a fraction of a core
const burn = (cpuMs: number) => {
  const start = process.cpuUsage();
  let x = 0;
  while (process.cpuUsage(start).user < cpuMs * 1000) x += Math.sqrt(x + 1);
  return x;
};

describe('cpuSnapshot', () => {
  it('counts this process as the generator and a reaped node child as a hub', async () => {
    const before = cpuSnapshot(null);
    burn(300);
    const child = spawn(process.execPath, ['-e', 'while (process.cpuUsage().user < 400_000) {}']);
    await once(child, 'exit');
    const used = cpuBetween(before, cpuSnapshot(null));
    expect(used.generator).toBeGreaterThanOrEqual(0.25);
    expect(used.hubs).toBeGreaterThanOrEqual(0.35);
    expect(used.postgres).toBe(0);
  });
});
