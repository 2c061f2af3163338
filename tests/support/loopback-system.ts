// The system for loopback e2e tests: the real hub (its own SQLite in a temp dir, demo data), the renderer's files
// served apart from it (so stopping the hub never stops the page loading), and Debian's Chromium.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { serveRenderer } from '../../scripts/serve-renderer.ts';
import { launchChromium } from './browser.ts';
import { startHubProcess, type HubProcess } from './hub-process.ts';
import { freePort } from './ports.ts';

export type LoopbackSystem = {
  hub: HubProcess;
  renderer: { url: string; close(): Promise<void> };
  browser: Browser;
  /** The hub's HUB_DATA_DIR (its SQLite file, content store and pack-signing key). */
  dataDir: string;
  close: () => Promise<void>;
};

/** `extraEnv` reaches the hub (e.g. HUB_DEMO_LIVE=1); `chromiumArgs` are added to Debian Chromium's flags. */
export async function startLoopbackSystem(
  tempPrefix: string,
  adminToken: string,
  options: { extraEnv?: NodeJS.ProcessEnv; chromiumArgs?: string[] } = {},
): Promise<LoopbackSystem> {
  const dataDir = await mkdtemp(join(tmpdir(), tempPrefix));
  const hub = await startHubProcess({ port: await freePort(), dataDir, adminToken, ...(options.extraEnv ? { extraEnv: options.extraEnv } : {}) });
  const renderer = await serveRenderer(await freePort());
  const browser = await launchChromium(undefined, options.chromiumArgs ?? []);
  return {
    hub,
    renderer,
    browser,
    dataDir,
    async close() {
      await browser.close();
      await renderer.close();
      await hub.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
