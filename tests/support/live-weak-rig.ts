// A live lesson across the emulated village link, for tests and benchmarks: the hub (SFU + demo broadcaster) in the hub
// namespace announcing its link address, the renderer's files and Debian's Chromium in the client namespace.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { chromiumWrapper, createWeakLink, type LinkShape, type WeakLink } from '../net/weak-link.ts';
import { classroomContext, launchChromium } from './browser.ts';
import { repoRoot, startHubProcess, type HubProcess } from './hub-process.ts';
import { waitFor } from './ports.ts';

const HUB_PORT = 8787;
const RTC_PORT = 40443;
const RENDERER_PORT = 5173;

export type LiveWeakRig = {
  link: WeakLink;
  hub: HubProcess;
  browser: Browser;
  /** A classroom page (1280×800 unless a board's size is given). */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
};

export type LiveRigOptions = {
  /** The demo broadcast sends slides too (camera + courseware). */
  courseware?: boolean;
  /** More hub environment (e.g. HUB_RECORD=0 where a test does not need the recording's CPU). */
  hubEnv?: NodeJS.ProcessEnv;
};

export async function startLiveWeakRig(shape: LinkShape, options: LiveRigOptions = {}): Promise<LiveWeakRig> {
  const link = await createWeakLink(shape);
  const dataDir = await mkdtemp(join(tmpdir(), 'ykt-live-weak-'));
  let hub: HubProcess | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await hub?.stop();
    await link.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    hub = await startHubProcess({
      host: link.hubIp,
      port: HUB_PORT,
      dataDir,
      adminToken: 'live-weak-admin-token-0123456789',
      spawnFn: link.spawnInHub,
      isUp: async (url) => (await link.execInHub('curl', ['-sf', `${url}/v1/health`], { timeoutMs: 5000 })).code === 0,
      extraEnv: {
        HUB_RTC_PORT: String(RTC_PORT),
        HUB_RTC_LISTEN_IP: link.hubIp,
        HUB_RTC_ANNOUNCED_IP: link.hubIp,
        HUB_DEMO_BROADCAST: '1',
        HUB_DEMO_COURSEWARE: options.courseware ? '1' : '0',
        ...options.hubEnv,
      },
    });
    const renderer: ChildProcess = link.spawnInClient(process.execPath, ['--import', 'tsx', 'scripts/serve-renderer.ts', String(RENDERER_PORT)], { cwd: repoRoot });
    let served = '';
    renderer.stdout?.on('data', (d: Buffer) => (served += d.toString()));
    await waitFor(() => Promise.resolve(served.includes('renderer http') ? true : undefined), 'renderer server in the client namespace', 30_000);
    browser = await launchChromium(chromiumWrapper(link), ['--autoplay-policy=no-user-gesture-required']);
    const b = browser;
    const hubUrl = hub.url;
    return {
      link,
      hub,
      browser: b,
      async newPage(viewport) {
        const context = viewport ? await b.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport }) : await classroomContext(b);
        const page = await context.newPage();
        await page.goto(`http://127.0.0.1:${RENDERER_PORT}/?hub=${encodeURIComponent(hubUrl)}`);
        return page;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
