// Lead console round trip: the console page served by the hub, in Chromium with a fake camera and microphone, goes on
// air with simulcast; a receiving classroom's renderer decodes it, raises a hand and asks a question, and both appear
// on the console.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveUnavailableReason } from '../../hub/live/live-sfu.ts';
import { serveRenderer } from '../../scripts/serve-renderer.ts';
import { classroomContext, launchChromium } from '../support/browser.ts';
import { startHubProcess, type HubProcess } from '../support/hub-process.ts';
import { DEMO_LIVE_LESSON, framesAdvance, joinToFirstFrameMs, readPlayer } from '../support/live-page.ts';
import { freePort } from '../support/ports.ts';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
const ADMIN = 'live-console-admin-token-0123456789';
const noWorker = liveUnavailableReason();

describe.skipIf(noWorker !== null)(`lead console round trip${noWorker ? ` (skipped: ${noWorker})` : ''}`, () => {
  let hub: HubProcess;
  let renderer: { url: string; close(): Promise<void> };
  let browser: Browser;
  let dataDir: string;
  let consolePage: Page;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'ykt-console-'));
    hub = await startHubProcess({
      port: await freePort(),
      dataDir,
      adminToken: ADMIN,
      extraEnv: { HUB_RTC_PORT: String(await freePort()), HUB_RTC_LISTEN_IP: '127.0.0.1', HUB_RTC_ANNOUNCED_IP: '127.0.0.1', HUB_DEMO_BROADCAST: '0', HUB_DEMO_LIVE: '1' },
    });
    renderer = await serveRenderer(await freePort());
    browser = await launchChromium(undefined, ['--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required']);
  });
  afterAll(async () => {
    await browser?.close();
    await renderer?.close();
    await hub?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('goes on air from the console with the fake camera, and the classroom decodes it', async () => {
    consolePage = await (await classroomContext(browser)).newPage();
    await consolePage.goto(`${hub.url}/v1/live/console?lesson=${DEMO_LIVE_LESSON.id}#token=${ADMIN}`);
    await consolePage.getByRole('button', { name: '连接' }).click();
    await expect.poll(() => consolePage.locator('#status').textContent(), { timeout: 20_000 }).toContain('已连接');
    await consolePage.getByRole('button', { name: /开始直播/ }).click();
    await expect.poll(() => consolePage.locator('#status').textContent(), { timeout: 20_000 }).toBe('直播中');

    const viewer = await (await classroomContext(browser)).newPage();
    await viewer.goto(`${renderer.url}?hub=${encodeURIComponent(hub.url)}`);
    const ms = await joinToFirstFrameMs(viewer, 'DEMO-ZJ-1');
    console.log(`console → classroom: first frame ${ms} ms after 进入直播`);
    const reading = await framesAdvance(viewer, 20, 20_000);
    expect(reading.frameWidth).toBeGreaterThan(0);
    await expect.poll(async () => (await readPlayer(viewer)).audioPackets, { timeout: 10_000 }).toBeGreaterThan(20);

    await viewer.getByRole('button', { name: /举手/ }).click();
    await viewer.getByLabel('提问').fill('老师，能再讲一遍例题吗？');
    await viewer.getByRole('button', { name: '发送' }).click();
    await expect.poll(() => consolePage.getByTestId('hands').textContent(), { timeout: 10_000 }).toContain('七年级(1)班：举手中');
    await expect.poll(() => consolePage.getByTestId('questions').textContent(), { timeout: 10_000 }).toContain('老师，能再讲一遍例题吗？');

    // The classroom's own camera (Chromium's fake device) appears on the console, decoded.
    await viewer.getByRole('button', { name: '本班画面' }).click();
    const tile = consolePage.getByTestId('returns').locator('video');
    await expect.poll(() => tile.count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => tile.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await consolePage.getByTestId('returns').textContent()).toContain('七年级(1)班');
    await consolePage.waitForTimeout(1000);
    await consolePage.screenshot({ path: join(ARTIFACTS, 'live-console.png') });
    await viewer.getByRole('button', { name: '关闭本班画面' }).click();
    await expect.poll(() => tile.count(), { timeout: 10_000 }).toBe(0);
    await viewer.screenshot({ path: join(ARTIFACTS, 'live-from-console.png') });
  });
});
