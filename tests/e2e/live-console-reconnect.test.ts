// The lead console comes back by itself: the console page in Chromium (fake camera and microphone) is on air when the
// hub's only SFU worker is killed (SIGKILL). The hub closes the console's socket with 1012 and makes the lesson again
// on the replacement worker; the console reconnects with the shared jittered backoff, joins again and sends the same
// camera and microphone, so a classroom joining afterwards finds the lesson on air with new producers — no one touched
// the page.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveUnavailableReason } from '../../hub/features/live/sfu/live-sfu.ts';
import { CapabilitiesResponse, livePaths, type ConsumerInfo } from '../../src/shared/live-protocol.ts';
import { classroomContext, launchChromium } from '../support/browser.ts';
import { startHubProcess, type HubProcess } from '../support/hub-process.ts';
import { DEMO_LIVE_LESSON, enrollDevice, rawLiveSocket } from '../support/live-page.ts';
import { freePort, waitFor } from '../support/ports.ts';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
const ADMIN = 'live-console-reconnect-admin-0123456789';
const noWorker = liveUnavailableReason();

describe.skipIf(noWorker !== null)(`lead console reconnects by itself${noWorker ? ` (skipped: ${noWorker})` : ''}`, () => {
  let hub: HubProcess;
  let browser: Browser;
  let dataDir: string;
  let consolePage: Page;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'ykt-console-reconnect-'));
    hub = await startHubProcess({
      port: await freePort(),
      dataDir,
      adminToken: ADMIN,
      extraEnv: { HUB_RTC_PORT: String(await freePort()), HUB_RTC_LISTEN_IP: '127.0.0.1', HUB_RTC_ANNOUNCED_IP: '127.0.0.1', HUB_SFU_WORKERS: '1', HUB_DEMO_BROADCAST: '0', HUB_DEMO_LIVE: '1', HUB_RECORD: '0' },
    });
    browser = await launchChromium(undefined, ['--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required']);
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** What a classroom joining now is offered: the producers on air and their sources. */
  const onAirNow = async (): Promise<ConsumerInfo[]> => {
    const caps = CapabilitiesResponse.parse(await (await fetch(`${hub.url}${livePaths.capabilities}`)).json()).routerRtpCapabilities;
    const socket = await rawLiveSocket(hub.url);
    const answer = await socket.call('join', { lessonId: DEMO_LIVE_LESSON.id, token: await enrollDevice(hub.url, 'DEMO-ZJ-1'), role: 'viewer', media: { rtpCapabilities: caps } });
    socket.ws.close();
    if (answer.kind !== 'response' || !answer.ok) throw new Error(`join refused: ${JSON.stringify(answer)}`);
    return (answer.data as { media: { consumers: ConsumerInfo[] } }).media.consumers;
  };

  it('on air from the console; the SFU worker killed; the console rejoins and is on air again by itself', async () => {
    consolePage = await (await classroomContext(browser)).newPage();
    await consolePage.goto(`${hub.url}/v1/live/console?lesson=${DEMO_LIVE_LESSON.id}#token=${ADMIN}`);
    await consolePage.getByRole('button', { name: '连接' }).click();
    await expect.poll(() => consolePage.locator('#status').textContent(), { timeout: 20_000 }).toContain('已连接');
    await consolePage.getByRole('button', { name: /开始直播/ }).click();
    await expect.poll(() => consolePage.locator('#status').textContent(), { timeout: 20_000 }).toBe('直播中');
    const before = await onAirNow();
    expect(before.map((c) => c.source).sort()).toEqual(['camera', 'microphone']);

    // Every status the page shows from now on.
    await consolePage.evaluate(() => {
      const status = document.getElementById('status');
      const seen: string[] = [];
      (window as unknown as { seenStatus: string[] }).seenStatus = seen;
      if (status) new MutationObserver(() => seen.push(status.textContent ?? '')).observe(status, { childList: true, characterData: true, subtree: true });
    });
    const pid = Number(/live SFU: 1 worker\(s\) \(pids (\d+)\)/.exec(hub.output())?.[1]);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    await waitFor(() => Promise.resolve(/SFU worker 0 replaced/.test(hub.output()) ? true : undefined), 'worker 0 replaced', 30_000);

    // Back on air with new producers (the old ones died with the worker), from the same page.
    const after = await waitFor(async () => {
      const offered = await onAirNow().catch(() => []);
      return offered.length === 2 && offered.every((c) => !before.some((b) => b.producerId === c.producerId)) ? offered : undefined;
    }, 'the console on air again after the worker was replaced', 60_000, 250);
    expect(after.map((c) => c.source).sort()).toEqual(['camera', 'microphone']);
    await expect.poll(() => consolePage.locator('#status').textContent(), { timeout: 20_000 }).toBe('直播中');
    const seen = await consolePage.evaluate(() => (window as unknown as { seenStatus: string[] }).seenStatus);
    expect(seen.some((s) => s.startsWith('连接中断，正在重新连接'))).toBe(true);
    expect(await consolePage.evaluate(() => document.body.dataset.connection)).toBe('open');
    await consolePage.screenshot({ path: join(ARTIFACTS, 'live-console-reconnected.png') });
  });
});
