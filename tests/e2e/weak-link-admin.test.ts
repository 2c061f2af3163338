// The IT page's network test on an emulated village link (1 Mbit/s, 300 ms RTT): the hub in one network namespace,
// the renderer and Chromium in the other. The test runs once the demo packs have downloaded (a condition, not a
// pause), and its figures can only be what the link allows: a round trip no shorter than the link's, a speed no
// higher. How close they land to the link is a timing figure: bench/admin.bench.ts (admin.networkTest*).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumWrapper, createWeakLink, weakLinkSupported, type WeakLink } from '../net/weak-link.ts';
import { classroomContext, launchChromium } from '../support/browser.ts';
import { repoRoot, startHubProcess, type HubProcess } from '../support/hub-process.ts';
import { waitFor } from '../support/ports.ts';
import { allContentCompleteInPage } from '../support/content-page.ts';
import { enrollInPage, TEST_IT_PIN } from '../support/enroll-page.ts';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
const RENDERER_PORT = 5173;

describe.skipIf(!weakLinkSupported())('IT network test over a weak link', () => {
  let link: WeakLink;
  let hub: HubProcess;
  let rendererServer: ChildProcess;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    link = await createWeakLink({ rateKbit: 1000, rttMs: 300, lossPct: 0 });
    dataDir = await mkdtemp(join(tmpdir(), 'ykt-weak-admin-'));
    hub = await startHubProcess({
      host: link.hubIp,
      port: 8787,
      dataDir,
      adminToken: 'weak-admin-token-0123456789abcdef',
      spawnFn: link.spawnInHub,
      isUp: async (url) => (await link.execInHub('curl', ['-sf', `${url}/v1/health`], { timeoutMs: 5000 })).code === 0,
    });
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

  it('reports a round trip and a download speed the link allows, once the demo packs are in', async () => {
    const page = await (await classroomContext(browser)).newPage();
    await page.goto(`http://127.0.0.1:${RENDERER_PORT}/?hub=${encodeURIComponent(hub.url)}`);
    await enrollInPage(page, 'DEMO-ZJ-1');
    await expect.poll(() => page.getByTestId('sync-status').textContent(), { timeout: 90_000 }).toContain('已同步');
    // Right after enrollment the download manager fills the same 1 Mbit/s link with the demo packs; IT tests once
    // it is quiet, and so does this test: it waits for the packs, not for a while.
    await expect.poll(() => allContentCompleteInPage(page), { timeout: 180_000, interval: 500 }).toBe(true);
    await page.getByRole('button', { name: '管理员' }).click();
    await page.getByLabel('管理员密码').fill(TEST_IT_PIN); // set by enrollInPage, as IT does when enrolling
    await page.getByRole('button', { name: '进入' }).click();
    const result = page.getByTestId('network-result');
    await page.getByRole('button', { name: '开始网络测试' }).click();
    await expect.poll(async () => /下载速度/.test((await result.textContent()) ?? ''), { timeout: 90_000 }).toBe(true);
    const text = (await result.textContent()) ?? '';
    const rtt = Number(/往返时延 (\d+) 毫秒/.exec(text)?.[1]);
    const mbit = Number(/下载速度 ([\d.]+) Mbit\/s/.exec(text)?.[1]);
    console.log(`weak link (1 Mbit/s, 300 ms): IT page measured ${rtt} ms, ${mbit} Mbit/s`);
    // The emulated link is the reference: nothing can cross it faster than its delay, or more than its rate.
    expect(rtt).toBeGreaterThanOrEqual(280);
    expect(mbit).toBeGreaterThan(0);
    expect(mbit).toBeLessThanOrEqual(1.1);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-weak-link.png'), fullPage: true });
    await page.context().close();
  }, 240_000);
});
