// Shared set-up for content over an emulated village link (e2e test and download benchmark): the hub with demo content
// in the hub namespace, the renderer's files served in the client namespace, Chromium there with a persistent profile
// (so IndexedDB survives closing the browser), and the hub's content counters read from inside the hub namespace.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { ContentStats, TestPaths } from '../../hub/testing/test-routes.ts';
import { chromiumWrapper, createWeakLink, STOCK_CONGESTION, type LinkCongestion, type LinkShape, type WeakLink } from '../net/weak-link.ts';
import { CHROMIUM_ARGS } from './browser.ts';
import { repoRoot, startHubProcess, type HubProcess } from './hub-process.ts';
import { waitFor } from './ports.ts';

export const ADMIN_TOKEN = 'weak-content-admin-token-0123456789';
const HUB_PORT = 8787;
const RENDERER_PORT = 5173;

export type WeakContent = {
  link: WeakLink;
  hub: HubProcess;
  dataDir: string;
  rendererUrl: string;
  openProfile(profileDir: string): Promise<BrowserContext>;
  /** SIGKILLs the Chromium running on this profile (the app killed: no unload, no flush beyond what was committed). */
  killProfile(profileDir: string): Promise<number>;
  stats(): Promise<ContentStats>;
  close(): Promise<void>;
};

export async function startWeakContent(
  shape: LinkShape,
  beforeHubStart?: (dataDir: string, hub: HubProcess) => Promise<void>,
  congestion: LinkCongestion = STOCK_CONGESTION,
): Promise<WeakContent> {
  const link = await createWeakLink(shape, congestion);
  const dataDir = await mkdtemp(join(tmpdir(), 'ykt-weak-content-'));
  let renderer: ChildProcess | null = null;
  try {
    const hub = await startHubProcess({
      host: link.hubIp,
      port: HUB_PORT,
      dataDir,
      adminToken: ADMIN_TOKEN,
      spawnFn: link.spawnInHub,
      isUp: async (url) => (await link.execInHub('curl', ['-sf', `${url}/v1/health`], { timeoutMs: 5000 })).code === 0,
    });
    if (beforeHubStart) {
      await hub.stop();
      await beforeHubStart(dataDir, hub);
      await hub.start();
    }
    renderer = link.spawnInClient(process.execPath, ['--import', 'tsx', 'scripts/serve-renderer.ts', String(RENDERER_PORT)], { cwd: repoRoot });
    let served = '';
    renderer.stdout?.on('data', (d: Buffer) => (served += d.toString()));
    await waitFor(() => Promise.resolve(served.includes('renderer http') ? true : undefined), 'renderer server in the client namespace', 30_000);
    return {
      link,
      hub,
      dataDir,
      rendererUrl: `http://127.0.0.1:${RENDERER_PORT}/?hub=${encodeURIComponent(hub.url)}`,
      openProfile: (profileDir) =>
        chromium.launchPersistentContext(profileDir, {
          executablePath: chromiumWrapper(link),
          headless: true,
          args: CHROMIUM_ARGS,
          locale: 'zh-CN',
          timezoneId: 'Asia/Shanghai',
          viewport: { width: 1280, height: 800 },
        }),
      async killProfile(profileDir) {
        const pids = (await link.execInClient('pgrep', ['-f', '--', `--user-data-dir=${profileDir}`])).stdout.split('\n').filter(Boolean).map(Number);
        for (const pid of pids) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        return pids.length;
      },
      async stats() {
        const res = await link.execInHub('curl', ['-sf', '-H', `authorization: Bearer ${ADMIN_TOKEN}`, `${hub.url}${TestPaths.contentStats}`], { timeoutMs: 10_000 });
        return ContentStats.parse(JSON.parse(res.stdout));
      },
      async close() {
        await hub.stop();
        await link.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await link.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
