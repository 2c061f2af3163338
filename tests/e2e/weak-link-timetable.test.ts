// The foundation scenario on an emulated village link (1.5 Mbit/s, 300 ms RTT, 3 % loss): the hub in one network
// namespace, the renderer's files and Chromium in the other. The harness cuts the link (not the hub): the reloaded page
// shows the timetable from IndexedDB with the offline status, and "已同步" returns by itself when the link is restored.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumWrapper, createWeakLink, weakLinkSupported, type WeakLink } from '../net/weak-link.ts';
import { classroomContext, launchChromium } from '../support/browser.ts';
import { repoRoot, startHubProcess, type HubProcess } from '../support/hub-process.ts';
import { waitFor } from '../support/ports.ts';
import { enrollInPage } from '../support/enroll-page.ts';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
const HUB_PORT = 8787;
const RENDERER_PORT = 5173;

describe.skipIf(!weakLinkSupported())('timetable over a weak, cut link', () => {
  let link: WeakLink;
  let hub: HubProcess;
  let rendererServer: ChildProcess;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    link = await createWeakLink({ rateKbit: 1500, rttMs: 300, lossPct: 3 });
    dataDir = await mkdtemp(join(tmpdir(), 'ykt-weak-'));
    hub = await startHubProcess({
      host: link.hubIp,
      port: HUB_PORT,
      dataDir,
      adminToken: 'weak-link-admin-token-0123456789',
      spawnFn: link.spawnInHub,
      isUp: async (url) => (await link.execInHub('curl', ['-sf', `${url}/v1/health`], { timeoutMs: 5000 })).code === 0,
    });
    // The renderer is local to the classroom PC: serve it inside the client namespace, on its loopback.
    rendererServer = link.spawnInClient(process.execPath, ['--import', 'tsx', 'scripts/serve-renderer.ts', String(RENDERER_PORT)], { cwd: repoRoot });
    let served = '';
    rendererServer.stdout?.on('data', (d: Buffer) => (served += d.toString()));
    await waitFor(() => Promise.resolve(served.includes('renderer http') ? true : undefined), 'renderer server in the client namespace', 30_000);
    browser = await launchChromium(chromiumWrapper(link));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await link?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const status = (page: Page) => page.getByTestId('sync-status');

  it('keeps the timetable through a cut and re-syncs on its own when the link returns', async () => {
    const page = await (await classroomContext(browser)).newPage();
    await page.goto(`http://127.0.0.1:${RENDERER_PORT}/?hub=${encodeURIComponent(hub.url)}`);
    await enrollInPage(page, 'DEMO-LT-1');
    await expect.poll(() => status(page).textContent(), { timeout: 60_000 }).toContain('已同步');
    await page.getByRole('tab', { name: '本周课表' }).click();
    await expect.poll(() => page.locator('.week-cell').count(), { timeout: 15_000 }).toBeGreaterThan(10);
    const cells = await page.locator('.week-cell').count();

    await link.cut();
    await page.reload();
    await page.getByRole('tab', { name: '本周课表' }).click();
    await expect.poll(() => page.locator('.week-cell').count(), { timeout: 15_000 }).toBe(cells);
    await expect.poll(() => status(page).textContent(), { timeout: 60_000 }).toMatch(/离线 · 上次同步 \d\d:\d\d/);
    await page.screenshot({ path: join(ARTIFACTS, 'weak-link-offline.png') });

    const restoredAt = Date.now();
    await link.restore();
    await expect.poll(() => status(page).textContent(), { timeout: 90_000, interval: 500 }).toContain('已同步');
    console.log(`weak link: back to 已同步 ${Date.now() - restoredAt} ms after the link was restored`);
    await page.context().close();
  }, 240_000);
});
