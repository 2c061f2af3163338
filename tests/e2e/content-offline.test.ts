// Offline content end to end: the real renderer in Debian's Chromium (real IndexedDB) downloads the demo recording and
// 预习包 from the real hub (real SQLite, Range requests); then, with the hub stopped, the cached lesson plays and seeks
// (currentTime moves, frames decode) and the PDF renders (canvas not blank). The stored file's SHA-256 equals the source,
// although a proxy corrupted one chunk on the way.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveRenderer } from '../../scripts/serve-renderer.ts';
import { classroomContext, launchChromium } from '../support/browser.ts';
import { startHubProcess, type HubProcess } from '../support/hub-process.ts';
import { freePort } from '../support/ports.ts';
import { storedSha256InPage } from '../support/content-page.ts';
import { startCorruptingProxy } from '../support/corrupting-proxy.ts';
import { enrollInPage } from '../support/enroll-page.ts';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
let hub: HubProcess;
let renderer: { url: string; close(): Promise<void> };
let browser: Browser;
let dataDir: string;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  dataDir = await mkdtemp(join(tmpdir(), 'ykt-content-e2e-'));
  hub = await startHubProcess({ port: await freePort(), dataDir, adminToken: 'e2e-admin-token-0123456789abcdef' });
  renderer = await serveRenderer(await freePort());
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await renderer?.close();
  await hub?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function openReview(page: Page) {
  await page.getByRole('tab', { name: '复习' }).click();
  await expect.poll(() => page.getByTestId('review-item').count(), { timeout: 60_000 }).toBeGreaterThan(0);
}

describe('offline content in Chromium against the real hub', () => {
  it('downloads the packs, then plays, seeks and renders the PDF with the hub stopped', async () => {
    // Through a proxy that corrupts the first chunk of the recording once: the app must detect it and fetch it again.
    const source = await readFile(join(dataDir, 'demo-src', 'recording', '课堂录像.mp4'));
    const sourceSha = createHash('sha256').update(source).digest('hex');
    const proxy = await startCorruptingProxy(hub.url);
    proxy.corrupt(0, 1, sourceSha);
    const page = await (await classroomContext(browser)).newPage();
    await page.goto(`${renderer.url}?hub=${encodeURIComponent(proxy.url)}&test-hooks`);
    await enrollInPage(page, 'DEMO-LT-1');
    await page.getByRole('tab', { name: '本周课表' }).click();
    await expect.poll(() => page.locator('[data-testid=readiness][data-state=ready]').count(), { timeout: 60_000 }).toBeGreaterThan(5);
    await page.screenshot({ path: join(ARTIFACTS, 'content-week-readiness.png') });

    expect(await storedSha256InPage(page, sourceSha)).toBe(sourceSha);
    expect(proxy.corrupted).toBe(1);
    expect(proxy.ranges.filter((r) => r.start === 0 && r.url.includes(sourceSha))).toHaveLength(2); // the bad chunk, fetched again
    await proxy.close();

    await hub.stop();
    await page.reload();
    await openReview(page);
    await page.screenshot({ path: join(ARTIFACTS, 'content-review.png') });
    await page.getByTestId('review-item').filter({ hasText: '录播' }).first().click();
    const video = page.getByTestId('video');
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    // Frames are waited for as they are decoded (requestVideoFrameCallback), never for a while.
    const played = await video.evaluate(async (v: HTMLVideoElement) => {
      v.muted = true;
      await v.play();
      while (v.getVideoPlaybackQuality().totalVideoFrames <= 5) await new Promise((r) => v.requestVideoFrameCallback(() => r(null)));
      const before = v.getVideoPlaybackQuality().totalVideoFrames;
      v.currentTime = 15;
      await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
      const frame = await new Promise<number>((r) => v.requestVideoFrameCallback((_now, meta) => r(meta.mediaTime)));
      while (v.currentTime <= 15 || v.getVideoPlaybackQuality().totalVideoFrames <= before) await new Promise((r) => v.requestVideoFrameCallback(() => r(null)));
      return { before, after: v.getVideoPlaybackQuality().totalVideoFrames, time: v.currentTime, frame, duration: v.duration };
    });
    expect(played.before).toBeGreaterThan(5);
    expect(played.frame).toBeGreaterThanOrEqual(14.5);
    expect(played.time).toBeGreaterThan(15);
    expect(played.after).toBeGreaterThan(played.before);
    expect(played.duration).toBeGreaterThan(20);
    await page.screenshot({ path: join(ARTIFACTS, 'content-player-offline.png') });

    // A 二次备课 time note marked "pause here" stops the recording at its time and shows the note.
    const lessonId = await page.locator('main.content-screen').getAttribute('data-lesson-id');
    await page.evaluate(async (id) => {
      type Hooks = { session: { records(): { saveNote(n: { lessonId: string; anchor: { kind: 'time'; seconds: number }; text: string; pause: boolean }): Promise<unknown> } } };
      await (window as unknown as { yktTest: Hooks }).yktTest.session.records().saveNote({ lessonId: id ?? '', anchor: { kind: 'time', seconds: 20 }, text: '在这里暂停，用本地例子讲通分', pause: true });
    }, lessonId);
    // The live query hands the new pause point to the player: wait until the player has it.
    await expect.poll(() => video.getAttribute('data-pause-points'), { timeout: 10_000 }).toContain('20');
    await video.evaluate(async (v: HTMLVideoElement) => {
      v.currentTime = 19;
      await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
      await v.play();
    });
    // Until the player pauses by itself (or the recording ends: then the assertions below fail and say so).
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.paused), { timeout: 15_000 }).toBe(true);
    const stopped = await video.evaluate((v: HTMLVideoElement) => ({ paused: v.paused, time: v.currentTime }));
    expect(stopped.paused).toBe(true);
    expect(stopped.time).toBeGreaterThanOrEqual(20);
    expect(stopped.time).toBeLessThan(21);
    await expect.poll(() => page.getByTestId('pause-note').textContent()).toContain('用本地例子讲通分');
    await page.screenshot({ path: join(ARTIFACTS, 'content-pause-point.png') });

    await page.getByTestId('content-file').filter({ hasText: '讲义.pdf' }).getByRole('button', { name: '打开' }).click();
    const canvas = page.getByTestId('pdf-canvas');
    await expect.poll(() => canvas.getAttribute('data-rendered'), { timeout: 20_000 }).toBe('1');
    const inked = await canvas.evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) if ((data[i] ?? 255) < 128) dark++;
      return dark;
    });
    expect(inked).toBeGreaterThan(500);
    await page.screenshot({ path: join(ARTIFACTS, 'content-pdf-offline.png') });
    await page.context().close();
  });
});
