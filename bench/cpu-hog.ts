// A busy machine for benchmarks: one spinning process per core (a classroom PC running an antivirus scan, a browser
// with a dozen tabs). Bounded: each process ends itself after `maxMs` even if nobody stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';

export type CpuHog = { stop(): Promise<void> };

export function startCpuHog(maxMs = 180_000, processes = availableParallelism()): CpuHog {
  const script = `const end = Date.now() + ${maxMs}; while (Date.now() < end) { for (let i = 0; i < 1e6; i++); }`;
  const children: ChildProcess[] = Array.from({ length: processes }, () => spawn(process.execPath, ['-e', script], { stdio: 'ignore' }));
  return {
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGKILL');
            }),
        ),
      );
    },
  };
}
