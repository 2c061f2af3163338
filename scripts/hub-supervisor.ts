// `npm start` keeps the hub running: a hub that crashes (non-zero exit, killed) is started again after a short,
// growing pause; a hub stopped on purpose (exit 0, e.g. `kill -TERM <pid>`) stays down and the app page stays up, so
// an offline demo can still be reloaded. The decision is a pure function; the supervisor takes its spawn and timers.
import type { ChildProcess } from 'node:child_process';
import { backoffMs, noJitter } from '../src/shared/backoff.ts';

export type HubExit = { code: number | null; signal: NodeJS.Signals | null };
export type AfterExit = { action: 'restart'; delayMs: number } | { action: 'stay-down' };

/** The shared backoff: 1 s, 2 s, 4 s … 30 s. Not jittered by default: one hub per machine, nothing restarts in step. */
const RESTART_BACKOFF = { minMs: 1_000, maxMs: 30_000 };
/** A hub that ran this long before crashing counts as healthy again: the next restart is quick. */
export const HEALTHY_RUN_MS = 60_000;

export function afterHubExit(exit: HubExit, crashesInRow: number, random: () => number = noJitter): AfterExit {
  if (exit.code === 0 && exit.signal === null) return { action: 'stay-down' };
  return { action: 'restart', delayMs: backoffMs(crashesInRow + 1, random, RESTART_BACKOFF) };
}

export type SupervisorDeps = {
  spawnHub: () => ChildProcess;
  log: (line: string) => void;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
};

export type HubSupervisor = { pid(): number | undefined; stop(): Promise<void> };

export function superviseHub(deps: SupervisorDeps): HubSupervisor {
  const now = deps.now ?? Date.now;
  const setTimer = deps.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  let child: ChildProcess | null = null;
  let stopping = false;
  let crashesInRow = 0;

  const start = () => {
    if (stopping) return;
    const startedAt = now();
    const current = deps.spawnHub();
    child = current;
    deps.log(`hub: started (pid ${String(current.pid)})`);
    current.once('exit', (code, signal) => {
      if (child === current) child = null;
      if (stopping) return;
      if (now() - startedAt >= HEALTHY_RUN_MS) crashesInRow = 0;
      const next = afterHubExit({ code, signal }, crashesInRow);
      if (next.action === 'stay-down') {
        deps.log('hub: stopped (exit 0). The app page stays up; to bring the hub back, start `npm start` again (or `HUB_DEMO=1 HUB_DEMO_BROADCAST=1 npm run hub`).');
        return;
      }
      crashesInRow++;
      deps.log(`hub: exited (${signal ?? `code ${String(code)}`}); starting it again in ${Math.round(next.delayMs / 1000)} s`);
      setTimer(start, next.delayMs);
    });
  };
  start();

  return {
    pid: () => child?.pid,
    async stop() {
      stopping = true;
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGTERM');
      // The hub closes its sockets and exits within a few seconds; one that does not is not waited for forever.
      const killer = setTimeout(() => running.kill('SIGKILL'), 8_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
