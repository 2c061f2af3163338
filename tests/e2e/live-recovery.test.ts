// Live lessons come back by themselves, whatever restarts: the real hub (SFU) and `npm run broadcast` (ffmpeg) as
// separate processes, the real renderer in Debian's Chromium on a 1366×768 board. Each test waits for conditions
// (frames decoding again, words on the screen), never for a time; how long recovery takes is measured by
// `npm run bench` (bench/live.bench.ts). Also: the picture reaches the layer the window can show, over UDP, and climbs
// back after 低带宽模式; technical figures only behind 技术详情.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveUnavailableReason } from '../../hub/features/live/sfu/live-sfu.ts';
import { serveRenderer } from '../../scripts/serve-renderer.ts';
import { broadcasterProcess, type BroadcasterProcess } from '../support/broadcaster-process.ts';
import { launchChromium } from '../support/browser.ts';
import { startHubProcess, type HubProcess } from '../support/hub-process.ts';
import { BOARD, DEMO_LIVE_LESSON, LIVE_CHROMIUM_ARGS, enrollAndEnterLive, framesAdvance, liveStatusText, readPlayer, waitPlayingAgain } from '../support/live-page.ts';
import { freePort, waitFor } from '../support/ports.ts';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
const ADMIN = 'live-recovery-admin-token-0123456789';
const noWorker = liveUnavailableReason();

describe.skipIf(noWorker !== null)(`live lesson recovery${noWorker ? ` (skipped: ${noWorker})` : ''}`, () => {
  let hub: HubProcess;
  let broadcaster: BroadcasterProcess;
  let renderer: { url: string; close(): Promise<void> };
  let browser: Browser;
  let dataDir: string;
  let page: Page;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ykt-live-recovery-'));
    hub = await startHubProcess({
      port: await freePort(),
      dataDir,
      adminToken: ADMIN,
      extraEnv: { HUB_RTC_PORT: String(await freePort()), HUB_RTC_LISTEN_IP: '127.0.0.1', HUB_DEMO_BROADCAST: '0', HUB_DEMO_LIVE: '1' },
    });
    broadcaster = broadcasterProcess({ hubUrl: hub.url, lessonId: DEMO_LIVE_LESSON.id, adminToken: ADMIN });
    await broadcaster.start();
    renderer = await serveRenderer(await freePort());
    browser = await launchChromium(undefined, LIVE_CHROMIUM_ARGS);
    page = await (await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: BOARD })).newPage();
    await page.goto(`${renderer.url}?hub=${encodeURIComponent(hub.url)}`);
    await enrollAndEnterLive(page, 'DEMO-ZJ-1');
    await framesAdvance(page, 10, 30_000);
  });

  afterAll(async () => {
    await browser?.close();
    await renderer?.close();
    await broadcaster?.stop();
    await hub?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('reaches the layer a 1366-px window can show (640 px wide) over UDP; figures only behind 技术详情', async () => {
    const reading = await waitFor(async () => {
      const r = await readPlayer(page);
      return r.frameWidth >= 640 ? r : undefined;
    }, 'the 640-px layer', 30_000, 200);
    expect(reading.protocol).toBe('udp');
    const header = (await page.locator('.live-top').innerText()).replace(/技术详情/, '');
    expect(header).not.toMatch(/\d+×\d+|fps|帧|UDP|TCP/);
    await page.getByText('技术详情').click();
    await expect.poll(() => page.getByTestId('live-details').innerText()).toMatch(/640×360.*UDP/s);
    await page.screenshot({ path: join(ARTIFACTS, 'live-details.png') });
    await page.getByText('技术详情').click();
  });

  it('climbs back to the full picture after 低带宽模式 is switched off', async () => {
    await page.getByRole('button', { name: '低带宽模式' }).click();
    await expect.poll(async () => (await readPlayer(page)).fps, { timeout: 15_000 }).toBe(0);
    await page.getByRole('button', { name: '恢复视频' }).click();
    await waitFor(async () => ((await readPlayer(page)).frameWidth >= 640 ? true : undefined), 'the 640-px layer again', 30_000, 200);
  });

  it('hub killed: says the hub is unreachable, offers 改看录播, and plays again by itself when it is back', async () => {
    await hub.stop();
    await expect.poll(() => liveStatusText(page), { timeout: 10_000 }).toContain('与中心的连接中断');
    await page.getByRole('button', { name: '改看录播' }).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'live-hub-unreachable.png') });
    const frozen = (await readPlayer(page)).framesDecoded;
    await hub.start();
    await waitPlayingAgain(page, frozen, 60_000);
    expect(await page.getByTestId('live-status').count()).toBe(0);
  });

  it('hub stopped gracefully with a classroom connected: it exits, and the classroom plays again when it is back', async () => {
    const exit = await hub.stop({ graceful: true });
    expect(exit).toMatchObject({ code: 0, signal: null }); // closed its sockets and exited by itself, not by its deadline
    await expect.poll(() => liveStatusText(page), { timeout: 10_000 }).toContain('与中心的连接中断');
    const frozen = (await readPlayer(page)).framesDecoded;
    await hub.start();
    await waitPlayingAgain(page, frozen, 60_000);
  });

  it('hub and broadcaster killed together: plays again once both are back', async () => {
    await Promise.all([hub.stop(), broadcaster.stop()]);
    await expect.poll(() => liveStatusText(page), { timeout: 10_000 }).toContain('与中心的连接中断');
    const frozen = (await readPlayer(page)).framesDecoded;
    await Promise.all([hub.start(), broadcaster.start()]);
    await waitPlayingAgain(page, frozen, 60_000);
  });

  it('hub and broadcaster stopped gracefully together: plays again once both are back', async () => {
    await Promise.all([hub.stop({ graceful: true }), broadcaster.stop({ graceful: true })]);
    const frozen = (await readPlayer(page)).framesDecoded;
    await Promise.all([hub.start(), broadcaster.start()]);
    await waitPlayingAgain(page, frozen, 60_000);
  });

  it('broadcaster killed alone: says the lead classroom stopped (not the hub), and plays again when it returns', async () => {
    await broadcaster.stop();
    await expect.poll(() => liveStatusText(page), { timeout: 20_000 }).toContain('主讲教室的直播暂停了');
    expect(await liveStatusText(page)).not.toContain('与中心');
    await page.getByRole('button', { name: '改看录播' }).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'live-lead-paused.png') });
    const frozen = (await readPlayer(page)).framesDecoded;
    await broadcaster.start();
    await waitPlayingAgain(page, frozen, 60_000);
  });
});
