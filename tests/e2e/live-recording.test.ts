// Every live lesson recorded, end to end with the real hub (SFU, ffmpeg recorder, SQLite) and Debian's Chromium: the
// broadcaster sends camera + slides; class (1) watches, then leaves in the middle; 下课 — the recording becomes the
// lesson's pack; class (2), enrolled afterwards, downloads it like any pack and plays it with the hub stopped (slides
// large, teacher inset, both decoding); class (1) opens it and it starts where its live stream stopped.
import { readFile, rm, stat, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { livePaths, RecordingStatus } from '../../src/shared/live-protocol.ts';
import { liveUnavailableReason } from '../../hub/features/live/sfu/live-sfu.ts';
import { serveRenderer } from '../../scripts/serve-renderer.ts';
import { classroomContext, launchChromium } from '../support/browser.ts';
import { startHubProcess, type HubProcess } from '../support/hub-process.ts';
import { DEMO_LIVE_LESSON, enrollAndEnterLive, LIVE_CHROMIUM_ARGS, readPlayer } from '../support/live-page.ts';
import { enrollInPage } from '../support/enroll-page.ts';
import { freePort, waitFor } from '../support/ports.ts';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
const ADMIN = 'live-recording-admin-token-0123456789';
const noWorker = liveUnavailableReason();

/** Plays the page's recording for a moment: both videos' frames and the time move. */
async function recordingPlays(page: Page) {
  const player = page.getByTestId('recording-player');
  await player.waitFor({ state: 'visible', timeout: 60_000 });
  const camera = player.getByTestId('video');
  const slides = player.getByTestId('recording-courseware');
  await expect.poll(() => camera.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
  const frames = () =>
    page.evaluate(() =>
      [...document.querySelectorAll<HTMLVideoElement>('[data-testid=recording-player] video')].map((v) => ({ frames: v.getVideoPlaybackQuality().totalVideoFrames, width: v.videoWidth, time: v.currentTime })),
    );
  await camera.evaluate(async (v: HTMLVideoElement) => {
    v.muted = true;
    await v.play();
  });
  const before = await frames();
  await expect.poll(async () => (await frames()).every((v, i) => v.frames > (before[i]?.frames ?? 0) && v.width > 0), { timeout: 20_000 }).toBe(true);
  return { camera, slides, frames: await frames() };
}

describe.skipIf(noWorker !== null)(`every live lesson recorded${noWorker ? ` (skipped: ${noWorker})` : ''}`, () => {
  let hub: HubProcess;
  let renderer: { url: string; close(): Promise<void> };
  let browser: Browser;
  let dataDir: string;
  let leftAt = 0;
  let class1: Page;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ykt-recording-'));
    hub = await startHubProcess({
      port: await freePort(),
      dataDir,
      adminToken: ADMIN,
      extraEnv: { HUB_RTC_PORT: String(await freePort()), HUB_RTC_LISTEN_IP: '127.0.0.1', HUB_RTC_ANNOUNCED_IP: '127.0.0.1', HUB_DEMO_BROADCAST: '1', HUB_DEMO_COURSEWARE: '1' },
    });
    renderer = await serveRenderer(await freePort());
    browser = await launchChromium(undefined, LIVE_CHROMIUM_ARGS);
  });
  afterAll(async () => {
    await browser?.close();
    await renderer?.close();
    await hub?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const lessonDir = () => join(dataDir, 'recordings', DEMO_LIVE_LESSON.id);
  const admin = (path: string, method = 'GET') => fetch(`${hub.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN}` } });

  it('records the lesson while class (1) watches part of it; 下课 makes it a pack', async () => {
    class1 = await (await classroomContext(browser)).newPage();
    await class1.goto(`${renderer.url}?hub=${encodeURIComponent(hub.url)}`);
    await enrollAndEnterLive(class1, 'DEMO-ZJ-1');
    await waitFor(async () => ((await readPlayer(class1)).coursewareFrames > 4 ? true : undefined), 'slides decoding', 60_000, 200);
    // Class (1) leaves mid-lesson (the bell, a power cut...): from here it will need the recording.
    await waitFor(async () => (((await stat(join(lessonDir(), 'seg-001', 'courseware.mkv')).catch(() => null))?.size ?? 0) > 5_000 ? true : undefined), 'slides on the hub’s disk', 60_000);
    await class1.getByRole('button', { name: /退出直播/ }).click();
    leftAt = Date.now();
    // The lesson goes on a few more seconds (a slide changes every 5 s) before 下课.
    await new Promise((r) => setTimeout(r, 6_000));
    const endedAt = Date.now();
    expect((await admin(livePaths.end(DEMO_LIVE_LESSON.id), 'POST')).status).toBe(202);
    const ready = await waitFor(
      async () => {
        const status = RecordingStatus.parse(await (await admin(livePaths.recording(DEMO_LIVE_LESSON.id))).json());
        if (status.state === 'failed') throw new Error(status.error ?? 'recording failed');
        return status.state === 'ready' ? status : undefined;
      },
      'the recording pack',
      60_000,
      100,
    );
    console.log(`live recording: ready ${((Date.now() - endedAt) / 1000).toFixed(1)} s after 下课 (${ready.packId})`);
    console.log(hub.output().split('\n').filter((l) => l.includes('recording') || l.includes('.mp4')).join('\n'));
    expect(ready.packId).toBe(`rec-${DEMO_LIVE_LESSON.id}`);
  }, 180_000);

  it('reaches another class like any pack and plays there with the hub stopped: slides large, teacher inset', async () => {
    const class2 = await (await classroomContext(browser)).newPage();
    await class2.goto(`${renderer.url}?hub=${encodeURIComponent(hub.url)}`);
    await enrollInPage(class2, 'DEMO-ZJ-2');
    await class2.getByText(DEMO_LIVE_LESSON.title).first().click({ timeout: 30_000 });
    await class2.getByRole('button', { name: '播放录播' }).click({ timeout: 30_000 });
    await class2.getByTestId('recording-player').waitFor({ state: 'visible', timeout: 90_000 }); // every file downloaded and verified
    // class (1) gets it too before the hub goes away (it reloads: its pack list is fetched at start).
    await class1.reload();
    await class1.getByText(DEMO_LIVE_LESSON.title).first().click({ timeout: 30_000 });
    await class1.getByRole('button', { name: '播放录播' }).click({ timeout: 30_000 });
    await class1.getByTestId('recording-player').waitFor({ state: 'visible', timeout: 90_000 });

    await hub.stop();
    const { frames } = await recordingPlays(class2);
    expect(frames).toHaveLength(2);
    const [slides, teacher] = await Promise.all([
      class2.getByTestId('recording-courseware').boundingBox(),
      class2.getByTestId('recording-player').getByTestId('video').boundingBox(),
    ]);
    expect((slides?.width ?? 0) > (teacher?.width ?? 0) * 2).toBe(true); // the slides are the big picture
    await class2.screenshot({ path: join(ARTIFACTS, 'live-recording-offline.png') });
  }, 240_000);

  it('for class (1) starts where its live stream stopped', async () => {
    const session = JSON.parse(await readFile(join(lessonDir(), 'session.json'), 'utf8')) as { segments: { startedAt: string }[] };
    const expected = (leftAt - Date.parse(session.segments[0]?.startedAt ?? '')) / 1000;
    const { camera } = await recordingPlays(class1);
    const position = await camera.evaluate((v: HTMLVideoElement) => v.currentTime);
    console.log(`live recording: class (1) left at ${expected.toFixed(1)} s into the recording; playback starts at ${position.toFixed(1)} s`);
    expect(Math.abs(position - expected)).toBeLessThan(4);
    await expect.poll(() => class1.getByRole('status').filter({ hasText: '从本班直播中断处' }).count()).toBe(1);
    await class1.screenshot({ path: join(ARTIFACTS, 'live-recording-from-stop.png') });
  }, 120_000);
});
