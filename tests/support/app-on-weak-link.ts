// The whole system on an emulated village link: the hub (demo data) in the hub namespace, the renderer's files and
// Debian's Chromium in the client namespace, one enrolled classroom page. Shared by the chaos run and the benchmarks.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumWrapper, createWeakLink, STOCK_CONGESTION, weakLinkSupported, type LinkCongestion, type LinkShape, type WeakLink } from '../net/weak-link.ts';
import { classroomContext, launchChromium } from './browser.ts';
import { repoRoot, startHubProcess, type HubProcess } from './hub-process.ts';
import { waitFor } from './ports.ts';
import { enrollInPage } from './enroll-page.ts';

const ADMIN = 'weak-app-admin-token-0123456789abcdef';
const HUB_PORT = 8787;
const RENDERER_PORT = 5173;

export type AppOnWeakLink = {
  link: WeakLink;
  hub: HubProcess;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  appUrl: string;
  deviceId: string;
  /** Admin GET on the hub from inside its namespace (unimpaired), parsed as JSON. */
  adminGet: (path: string) => Promise<unknown>;
  close: () => Promise<void>;
};

export async function startAppOnWeakLink(shape: LinkShape, code = 'DEMO-ZJ-1', congestion: LinkCongestion = STOCK_CONGESTION): Promise<AppOnWeakLink> {
  if (!weakLinkSupported()) throw new Error('needs the weak-link harness (Linux, root, /dev/net/tun, python3)');
  const link = await createWeakLink(shape, congestion);
  const dataDir = await mkdtemp(join(tmpdir(), 'ykt-weak-app-'));
  let renderer: ChildProcess | null = null;
  let hub: HubProcess | null = null;
  let browser: Browser | null = null;
  const close = async () => {
    await browser?.close();
    await hub?.stop();
    renderer?.kill('SIGTERM');
    await link.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    hub = await startHubProcess({
      host: link.hubIp,
      port: HUB_PORT,
      dataDir,
      adminToken: ADMIN,
      spawnFn: link.spawnInHub,
      isUp: async (url) => (await link.execInHub('curl', ['-sf', `${url}/v1/health`], { timeoutMs: 5000 })).code === 0,
    });
    renderer = link.spawnInClient(process.execPath, ['--import', 'tsx', 'scripts/serve-renderer.ts', String(RENDERER_PORT)], { cwd: repoRoot });
    let served = '';
    renderer.stdout?.on('data', (d: Buffer) => (served += d.toString()));
    await waitFor(() => Promise.resolve(served.includes('renderer http') ? true : undefined), 'renderer in the client namespace', 30_000);

    browser = await launchChromium(chromiumWrapper(link));
    const context = await classroomContext(browser);
    // Functions passed to page.evaluate are serialised; under the tsx CLI (keepNames) they call esbuild's __name helper.
    await context.addInitScript('globalThis.__name = (fn) => fn;');
    const appUrl = `http://127.0.0.1:${RENDERER_PORT}/?test-hooks&hub=${encodeURIComponent(hub.url)}`;
    const page = await context.newPage();
    await page.goto(appUrl);
    await enrollInPage(page, code);
    await waitFor(async () => ((await page.getByTestId('sync-status').textContent())?.includes('已同步') ? true : undefined), 'first sync', 60_000);
    const deviceId = await page.evaluate(() => (JSON.parse(localStorage.getItem('ykt.identity') ?? '{}') as { deviceId?: string }).deviceId ?? '');
    const adminGet = async (path: string) => {
      const r = await link.execInHub('curl', ['-sf', '-H', `authorization: Bearer ${ADMIN}`, `${hub?.url ?? ''}${path}`], { timeoutMs: 20_000 });
      if (r.code !== 0) throw new Error(`hub ${path}: curl exit ${r.code} ${r.stderr}`);
      return JSON.parse(r.stdout) as unknown;
    };
    return { link, hub, browser, context, page, appUrl, deviceId, adminGet, close };
  } catch (error) {
    await close();
    throw error;
  }
}
