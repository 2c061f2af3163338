// `npm run broadcast -- --lesson …` as a child process, as a lead school's operator would run it; tests stop it (SIGTERM:
// it takes the lesson off air; SIGKILL: it vanishes without a word) and start it again.
import { spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from './hub-process.ts';
import { waitFor } from './ports.ts';

export type BroadcasterProcess = { start(): Promise<void>; stop(how?: { graceful?: boolean }): Promise<void>; output(): string };

export function broadcasterProcess(o: { hubUrl: string; lessonId: string; adminToken: string }): BroadcasterProcess {
  let child: ChildProcess | null = null;
  let log = '';
  return {
    output: () => log,
    async start() {
      const started = log.length;
      const current = spawn(process.execPath, ['--import', 'tsx', 'scripts/broadcast.ts', '--lesson', o.lessonId, '--hub', o.hubUrl, '--token', o.adminToken], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = current;
      current.stdout?.on('data', (d: Buffer) => (log += d.toString()));
      current.stderr?.on('data', (d: Buffer) => (log += d.toString()));
      // On air, or running and waiting for its hub (it goes on air by itself when the hub is back).
      await waitFor(() => Promise.resolve(/on air|hub unreachable|cannot reach the hub/.test(log.slice(started)) ? true : undefined), `broadcaster started\n${log}`, 30_000);
    },
    async stop(how = {}) {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((r) => running.once('exit', r));
      running.kill(how.graceful ? 'SIGTERM' : 'SIGKILL');
      await exited;
    },
  };
}
