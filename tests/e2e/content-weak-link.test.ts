// Download over an emulated village link (2 Mbit/s, 300 ms RTT, 3 % loss, stock CUBIC hub): the browser is killed
// (SIGKILL) mid-download and reopened on the same profile; the download resumes from the verified chunks and the saved
// parts of the chunks in flight, and the stored file's SHA-256 equals the source. The link's own byte count (each TCP
// payload byte once) shows what the kill cost: the test bounds it loosely (two chunks, API calls included), the
// exact figure is bench/download.bench.ts's download.resumeRefetchedChunks.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weakLinkSupported } from '../net/weak-link.ts';
import { storedChunkCountInPage, storedSha256InPage } from '../support/content-page.ts';
import { startWeakContent, type WeakContent } from '../support/weak-content.ts';
import { enrollInPage } from '../support/enroll-page.ts';

const CHUNK = 256 * 1024;

describe.skipIf(!weakLinkSupported())('content download over a weak link, interrupted by killing the browser', () => {
  let env: WeakContent;
  let profile: string;

  beforeAll(async () => {
    env = await startWeakContent({ rateKbit: 2000, rttMs: 300, lossPct: 3 });
    profile = await mkdtemp(join(tmpdir(), 'ykt-profile-'));
  }, 180_000);

  afterAll(async () => {
    await env?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('resumes after the browser is killed mid-way, from the chunks and the parts it kept', async () => {
    const source = await readFile(join(env.dataDir, 'demo-src', 'recording', '课堂录像.mp4'));
    const videoSha = createHash('sha256').update(source).digest('hex');
    const videoChunks = Math.ceil(source.length / (256 * 1024));

    const wireBefore = await env.link.tcpPayloadBytes();
    let context = await env.openProfile(profile);
    let page = context.pages()[0] ?? (await context.newPage());
    await page.goto(env.rendererUrl);
    await enrollInPage(page, 'DEMO-LT-1');
    await expect.poll(() => storedChunkCountInPage(page, videoSha), { timeout: 90_000, interval: 100 }).toBeGreaterThanOrEqual(2);
    const chunksBefore = await storedChunkCountInPage(page, videoSha);
    expect(await env.killProfile(profile)).toBeGreaterThan(0); // the app killed: no unload, nothing flushed
    await context.close().catch(() => undefined);
    expect(chunksBefore).toBeLessThan(videoChunks);

    context = await env.openProfile(profile);
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(env.rendererUrl);
    // While it resumes: the timetable's readiness column, then the recording's progress (MB done/total, time left).
    await page.getByRole('tab', { name: '本周课表' }).click();
    await expect.poll(() => page.locator('[data-testid=readiness]').count(), { timeout: 20_000 }).toBeGreaterThan(5);
    await page.screenshot({ path: join(import.meta.dirname, '../artifacts/content-weak-link-week-downloading.png') });
    await page.locator('.week-cell').filter({ hasText: '录播' }).first().click();
    await page.getByRole('button', { name: '播放录播' }).click();
    await expect.poll(() => page.getByTestId('content-file').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('content-file').first().textContent(), { timeout: 20_000 }).toMatch(/MB/);
    await page.screenshot({ path: join(import.meta.dirname, '../artifacts/content-weak-link-progress.png') });
    await expect.poll(() => storedSha256InPage(page, videoSha), { timeout: 120_000, interval: 500 }).toBe(videoSha);
    await page.getByRole('button', { name: /返回/ }).click();
    await page.getByRole('button', { name: /返回/ }).click();
    await page.getByRole('tab', { name: '本周课表' }).click();
    await expect.poll(() => page.locator('[data-testid=readiness][data-state=ready]').count(), { timeout: 60_000 }).toBeGreaterThan(5);
    const wire = (await env.link.tcpPayloadBytes()).toClient - wireBefore.toClient;
    const content = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((r) => (indexedDB.open('ykt-classroom').onsuccess = (e) => r((e.target as IDBOpenDBRequest).result)));
      const files = await new Promise<{ size: number }[]>((r) => (db.transaction('contentFiles').objectStore('contentFiles').getAll().onsuccess = (e) => r((e.target as IDBRequest<{ size: number }[]>).result)));
      return files.reduce((sum, f) => sum + f.size, 0);
    });
    const extraChunks = (wire - content) / CHUNK;
    console.log(`weak-link resume: ${chunksBefore}/${videoChunks} video chunks before the kill; the link carried ${wire} bytes for ${content} bytes of content: ${extraChunks.toFixed(2)} chunks more (API calls, headers, the kill)`);
    expect(wire).toBeGreaterThanOrEqual(content);
    expect(extraChunks).toBeLessThan(2);
    await page.screenshot({ path: join(import.meta.dirname, '../artifacts/content-weak-link-resumed.png') });
    await context.close();
  }, 300_000);
});
