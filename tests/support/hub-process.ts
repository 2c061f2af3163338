// Runs the real hub as a child process with its own SQLite file, so tests can kill and restart it exactly as an outage
// would, keeping the data directory. It is `npm run hub` plus the test-only routes (hub/testing/test-main.ts), with the
// demo data on (HUB_DEMO=1: the demo codes and timetable the tests rely on) unless extraEnv says otherwise.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './ports.ts';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export type HubProcessOptions = {
  port: number;
  host?: string;
  dataDir: string;
  adminToken: string;
  /** Run inside a network namespace (weak-link tests): the spawn function of the harness. */
  spawnFn?: (cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }) => ChildProcess;
  /** Address the test uses to reach the hub (defaults to host:port). */
  reachAt?: string;
  /** How to tell the hub is up when the test process cannot reach it directly (a hub inside a network namespace). */
  isUp?: (url: string) => Promise<boolean>;
  extraEnv?: NodeJS.ProcessEnv;
};

export type HubStop = {
  /** SIGTERM (what a service manager sends) instead of SIGKILL (an outage). */
  graceful?: boolean;
};
export type HubExit = { code: number | null; signal: NodeJS.Signals | null; exitMs: number };

export type HubProcess = {
  url: string;
  adminToken: string;
  /** Stops the hub (by default abruptly, as an outage would) and resolves once the process is gone. */
  stop(how?: HubStop): Promise<HubExit | null>;
  start(): Promise<void>;
  output(): string;
  /** The running hub's process id (e.g. to read its memory), undefined when stopped. */
  pid(): number | undefined;
  /** How the hub ended if it ended by itself (a crash), else null. */
  exited(): string | null;
};

export async function startHubProcess(options: HubProcessOptions): Promise<HubProcess> {
  const host = options.host ?? '127.0.0.1';
  const url = `http://${options.reachAt ?? `${host}:${options.port}`}`;
  let child: ChildProcess | null = null;
  let log = '';
  let exitedBy: string | null = null;
  const env = {
    ...process.env,
    HUB_HOST: host,
    HUB_PORT: String(options.port),
    HUB_DATA_DIR: options.dataDir,
    HUB_ADMIN_TOKEN: options.adminToken,
    HUB_DEMO: '1',
    ...options.extraEnv,
  };
  const isUp = options.isUp ?? (async (base: string) => (await fetch(`${base}/v1/health`)).ok);

  async function start() {
    const spawnFn = options.spawnFn ?? ((cmd, args, opts) => spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] }));
    // One node process (not the tsx CLI, which forks) so that killing it really takes the hub down.
    child = spawnFn(process.execPath, ['--import', 'tsx', 'hub/testing/test-main.ts'], { cwd: repoRoot, env });
    exitedBy = null;
    const started = child;
    started.once('exit', (code, signal) => {
      if (child === started) exitedBy = `exit ${code ?? ''} ${signal ?? ''}`.trim();
    });
    child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    await waitFor(async () => ((await isUp(url)) ? true : undefined), `hub at ${url}\n${log}`, 60_000);
  }

  async function stop(how: HubStop = {}): Promise<HubExit | null> {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null || running.signalCode !== null) return null;
    const sentAt = Date.now();
    const exited = new Promise<HubExit>((r) => running.once('exit', (code, signal) => r({ code, signal, exitMs: Date.now() - sentAt })));
    running.kill(how.graceful ? 'SIGTERM' : 'SIGKILL'); // by default an outage: abrupt; the hub must cope with being killed
    return exited;
  }

  await start();
  return { url, adminToken: options.adminToken, stop, start, output: () => log, pid: () => child?.pid, exited: () => exitedBy };
}
