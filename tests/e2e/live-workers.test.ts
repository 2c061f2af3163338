// The SFU on two workers with real classrooms: the real hub (HUB_SFU_WORKERS=2, one classroom per worker so the second
// one fans out), `npm run broadcast` (ffmpeg) as a separate process, and the real renderer in Debian's Chromium, twice. The second classroom sits
// on worker 1 and decodes the lesson produced on worker 0 (piped). Then worker 0 — the lesson's origin — is killed
// with SIGKILL: the hub stays up, replaces the worker, makes the lesson again, the broadcaster's lease opens a new
// ingest, and both classrooms play again by themselves (their LiveController rejoins after the hub closes their
// sockets). Waits on conditions only.
import { execFileSync } from 'node:child_process';
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
import { BOARD, DEMO_LIVE_LESSON, LIVE_CHROMIUM_ARGS, enrollAndEnterLive, framesAdvance, readPlayer, waitPlayingAgain } from '../support/live-page.ts';
import { freePort, waitFor } from '../support/ports.ts';

const ADMIN = 'live-workers-admin-token-0123456789';
const noWorker = liveUnavailableReason();

describe.skipIf(noWorker !== null)(`live lesson on two SFU workers${noWorker ? ` (skipped: ${noWorker})` : ''}`, () => {
  let hub: HubProcess;
  let broadcaster: BroadcasterProcess;
  let renderer: { url: string; close(): Promise<void> };
  let browser: Browser;
  let dataDir: string;
  const pages: Page[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ykt-live-workers-'));
    hub = await startHubProcess({
      port: await freePort(),
      dataDir,
      adminToken: ADMIN,
      extraEnv: {
        HUB_RTC_PORT: String(await freePort()),
        HUB_RTC_LISTEN_IP: '127.0.0.1',
        HUB_DEMO_BROADCAST: '0',
        HUB_DEMO_LIVE: '1',
        HUB_RECORD: '0',
        HUB_SFU_WORKERS: '2',
        HUB_SFU_VIEWERS_PER_WORKER: '1',
      },
    });
    broadcaster = broadcasterProcess({ hubUrl: hub.url, lessonId: DEMO_LIVE_LESSON.id, adminToken: ADMIN });
    await broadcaster.start();
    renderer = await serveRenderer(await freePort());
    browser = await launchChromium(undefined, LIVE_CHROMIUM_ARGS);
    for (const code of ['DEMO-ZJ-1', 'DEMO-ZJ-2']) {
      const page = await (await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: BOARD })).newPage();
      await page.goto(`${renderer.url}?hub=${encodeURIComponent(hub.url)}`);
      await enrollAndEnterLive(page, code);
      await framesAdvance(page, 10, 60_000);
      pages.push(page);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await renderer?.close();
    await broadcaster?.stop();
    await hub?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('the second classroom is on worker 1 and decodes the lesson produced on worker 0', async () => {
    expect(hub.output()).toMatch(/fanning out to worker 1/);
    for (const page of pages) await framesAdvance(page, 10, 30_000);
  });

  it('the origin worker killed with SIGKILL: the hub stays up, and both classrooms play again by themselves', async () => {
    const pids = /live SFU: 2 worker\(s\) \(pids (\d+), (\d+)\)/.exec(hub.output());
    const origin = Number(pids?.[1]);
    expect(execFileSync('ps', ['-o', 'comm=', '-p', String(origin)]).toString()).toMatch(/mediasoup-work/);
    const frozen = await Promise.all(pages.map(async (p) => (await readPlayer(p)).framesDecoded));
    process.kill(origin, 'SIGKILL');
    await waitFor(() => Promise.resolve(/SFU worker 0 replaced/.test(hub.output()) ? true : undefined), 'worker 0 replaced', 30_000);
    await Promise.all(pages.map((page, i) => waitPlayingAgain(page, frozen[i] ?? 0, 60_000)));
    expect(hub.exited()).toBeNull();
    expect(broadcaster.output()).toMatch(/on air[\s\S]*on air/); // went on air again into the new room
  });
});
