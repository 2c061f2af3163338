// `npm start` as a person runs it (scripts/start.ts, with the build already done): a hub that crashes is started again
// by itself, a hub stopped on purpose stays down while the app page keeps loading, and `npm start` itself stops
// cleanly. Real processes, real HTTP; waits on conditions only.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/hub-process.ts';
import { freePort, waitFor } from '../support/ports.ts';

describe('npm start keeps the app up and the hub running', () => {
  let start: ChildProcess;
  let log = '';
  let dataDir: string;
  let hubUrl: string;
  let appUrl: string;

  const hubPid = (after = 0) => {
    const pids = [...log.slice(after).matchAll(/hub: started \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    return pids.at(-1);
  };
  const hubUp = async () => (await fetch(`${hubUrl}/v1/health`).then((r) => r.ok).catch(() => false)) || undefined;
  const appServed = async () => (await fetch(appUrl).then((r) => r.ok && r.headers.get('content-type')?.includes('text/html')).catch(() => false)) || undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ykt-start-'));
    const [hubPort, rendererPort, rtcPort] = [await freePort(), await freePort(), await freePort()];
    hubUrl = `http://127.0.0.1:${hubPort}`;
    appUrl = `http://127.0.0.1:${rendererPort}/`;
    start = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--no-build'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      // The demo broadcast is not what this checks; the hub's data goes to a temp dir.
      env: { ...process.env, HUB_PORT: String(hubPort), RENDERER_PORT: String(rendererPort), HUB_RTC_PORT: String(rtcPort), HUB_RTC_LISTEN_IP: '127.0.0.1', HUB_DEMO_BROADCAST: '0', HUB_DATA_DIR: dataDir },
    });
    start.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    start.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    await waitFor(async () => (await hubUp()) && (await appServed()), `npm start serving\n${log}`, 120_000);
  });

  afterAll(async () => {
    if (start && start.exitCode === null) {
      const exited = new Promise((r) => start.once('exit', r));
      start.kill('SIGKILL');
      await exited;
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('prints the app’s address for a browser where Electron is missing', () => {
    expect(log).toContain(`打开 / open:  ${appUrl}?hub=`);
  });

  it('starts a crashed (killed) hub again by itself', async () => {
    const first = hubPid();
    expect(first).toBeGreaterThan(0);
    const mark = log.length;
    process.kill(first ?? 0, 'SIGKILL');
    await waitFor(() => Promise.resolve(hubPid(mark)), `a new hub process\n${log.slice(mark)}`, 30_000);
    expect(hubPid(mark)).not.toBe(first);
    await waitFor(hubUp, 'the restarted hub answering', 60_000);
    expect(await appServed()).toBe(true);
  });

  it('a hub stopped on purpose stays down, and the app page still loads', async () => {
    const pid = hubPid();
    const mark = log.length;
    process.kill(pid ?? 0, 'SIGTERM');
    await waitFor(() => Promise.resolve(log.slice(mark).includes('stays up') || undefined), `the supervisor's word\n${log.slice(mark)}`, 15_000);
    expect(await fetch(`${hubUrl}/v1/health`).then((r) => r.ok).catch(() => false)).toBe(false);
    expect(await appServed()).toBe(true);
    expect(start.exitCode).toBeNull();
    expect(hubPid(mark)).toBeUndefined();
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((r) => start.once('exit', (code) => r(code)));
    start.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await fetch(appUrl).then((r) => r.ok).catch(() => false)).toBe(false);
  });
});
