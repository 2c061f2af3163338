// Live-lesson figures: tap 进入直播 → first decoded frame (loopback and the emulated village link), the picture width
// 10 s after it on a 1366×768 board, decoded frame rate on the village link, how long decoding takes to resume after
// the link is cut for 10 s, and after the hub (and the broadcaster) restart: "back" (hub answering, broadcaster
// started) → frames decoding again, killed or stopped with SIGTERM, plus how long a SIGTERM takes to end the hub with a
// classroom connected. Real hub + SFU + ffmpeg broadcaster + Debian Chromium; medians of three where runs are cheap
// (and for the weak-link join, where one run is mostly the luck of its lost packets).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveUnavailableReason } from '../hub/features/live/sfu/live-sfu.ts';
import { serveRenderer } from '../scripts/serve-renderer.ts';
import { weakLinkSupported } from '../tests/net/weak-link.ts';
import type { Browser, Page } from 'playwright-core';
import { broadcasterProcess } from '../tests/support/broadcaster-process.ts';
import { launchChromium } from '../tests/support/browser.ts';
import { startHubProcess } from '../tests/support/hub-process.ts';
import { BOARD, DEMO_LIVE_LESSON, LIVE_CHROMIUM_ARGS, decodedFps, framesAdvance, joinToFirstFrame, joinToFirstFrameMs, readPlayer, waitDecodingResumed } from '../tests/support/live-page.ts';
import { startLiveWeakRig } from '../tests/support/live-weak-rig.ts';
import { freePort, waitFor } from '../tests/support/ports.ts';
import { joinTrace, keyJoinEvent, traceJoins } from '../tests/support/join-trace.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const CODES = ['DEMO-ZJ-1', 'DEMO-ZJ-2', 'DEMO-ZJ-1'];
const ADMIN = 'bench-live-admin-token-0123456789';
const RESTARTS = 3;
/** How long the hub stays down in a restart run (a supervisor's or an operator's restart, not an instant one). */
const DOWN_MS = 3_000;

async function loopbackHub(extraEnv: NodeJS.ProcessEnv) {
  const dataDir = await mkdtemp(join(tmpdir(), 'ykt-bench-live-'));
  const hub = await startHubProcess({
    port: await freePort(),
    dataDir,
    adminToken: ADMIN,
    extraEnv: { HUB_RTC_PORT: String(await freePort()), HUB_RTC_LISTEN_IP: '127.0.0.1', ...extraEnv },
  });
  const close = async () => {
    await hub.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  return { hub, close };
}

async function boardPage(browser: Browser, rendererUrl: string, hubUrl: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: BOARD });
  const page = await context.newPage();
  await page.goto(`${rendererUrl}?hub=${encodeURIComponent(hubUrl)}`);
  return page;
}

/** Stops `what` (while the classroom plays), waits DOWN_MS, starts it again; ms from "back" to frames decoding again. */
async function recoveryMs(page: Page, stop: () => Promise<unknown>, start: () => Promise<unknown>): Promise<number> {
  await framesAdvance(page, 10, 30_000);
  await stop();
  await waitFor(async () => ((await readPlayer(page)).phase !== 'playing' ? true : undefined), 'the outage to show', 20_000, 50);
  await new Promise((r) => setTimeout(r, DOWN_MS));
  await start();
  return waitDecodingResumed(page, 0, 60_000);
}

async function loopback(): Promise<Record<string, number>> {
  // The demo broadcast runs inside the hub, as with `npm start`: "hub back" includes putting the lesson on air again.
  const system = await loopbackHub({ HUB_DEMO_BROADCAST: '1' });
  const renderer = await serveRenderer(await freePort());
  const browser = await launchChromium(undefined, LIVE_CHROMIUM_ARGS);
  const { hub } = system;
  try {
    const runs: number[] = [];
    let page: Page | null = null;
    for (const code of CODES) {
      await page?.context().close();
      page = await boardPage(browser, renderer.url, hub.url);
      runs.push(await joinToFirstFrameMs(page, code));
    }
    if (!page) throw new Error('no page');
    console.error(`live loopback join → first frame: ${runs.join(', ')} ms`);
    const trace: string[] = [];
    for (let s = 1; s <= 10; s++) {
      await new Promise((r) => setTimeout(r, 1_000));
      const r = await readPlayer(page);
      trace.push(`${s}s ${r.frameWidth}px ${r.fps}fps nack ${r.nackPct}%`);
    }
    const after10s = await readPlayer(page);
    console.error(`live loopback: ${after10s.frameWidth} px wide over ${after10s.protocol} 10 s after the first frame (${trace.join(', ')})`);
    const exits: number[] = [];
    const stopRecoveries: number[] = [];
    const killRecoveries: number[] = [];
    for (let i = 0; i < RESTARTS; i++) {
      stopRecoveries.push(
        await recoveryMs(
          page,
          async () => exits.push((await hub.stop({ graceful: true }))?.exitMs ?? NaN),
          () => hub.start(),
        ),
      );
      killRecoveries.push(await recoveryMs(page, () => hub.stop(), () => hub.start()));
    }
    console.error(`live loopback: graceful stop exit ${exits.join(', ')} ms; back → frames after stop ${stopRecoveries.join(', ')} ms, after kill ${killRecoveries.join(', ')} ms`);
    return {
      'live.joinToFirstFrameMs': median(runs),
      'live.loopbackWidthAfter10s': after10s.frameWidth,
      'live.hubStopExitMs': median(exits),
      'live.hubStopRecoveryMs': median(stopRecoveries),
      'live.hubRestartRecoveryMs': median(killRecoveries),
    };
  } finally {
    await browser.close();
    await renderer.close();
    await system.close();
  }
}

/** Hub and an external broadcaster (`npm run broadcast`) killed together and started together. */
async function hubAndBroadcaster(): Promise<Record<string, number>> {
  const system = await loopbackHub({ HUB_DEMO_BROADCAST: '0', HUB_DEMO_LIVE: '1' });
  const { hub } = system;
  const broadcaster = broadcasterProcess({ hubUrl: hub.url, lessonId: DEMO_LIVE_LESSON.id, adminToken: ADMIN });
  const renderer = await serveRenderer(await freePort());
  const browser = await launchChromium(undefined, LIVE_CHROMIUM_ARGS);
  try {
    await broadcaster.start();
    const page = await boardPage(browser, renderer.url, hub.url);
    await joinToFirstFrameMs(page, 'DEMO-ZJ-1');
    const runs: number[] = [];
    for (let i = 0; i < RESTARTS; i++) {
      runs.push(
        await recoveryMs(
          page,
          () => Promise.all([hub.stop(), broadcaster.stop()]),
          () => Promise.all([hub.start(), broadcaster.start()]),
        ),
      );
    }
    console.error(`live loopback: hub + broadcaster killed, both back → frames ${runs.join(', ')} ms`);
    return { 'live.hubAndBroadcasterRestartRecoveryMs': median(runs) };
  } finally {
    await browser.close();
    await renderer.close();
    await broadcaster.stop();
    await system.close();
  }
}

async function weakLink(): Promise<Record<string, number>> {
  const rig = await startLiveWeakRig({ rateKbit: 1500, rttMs: 300, lossPct: 3 });
  try {
    // Three classrooms join, each on a fresh page (enrolment, lesson page, 进入直播 at once): one join on a lossy link
    // is mostly luck, the median is the figure. Each join's timeline goes to stderr (join-trace.ts).
    const joins: number[] = [];
    let joined: Page | null = null;
    for (const code of CODES) {
      await joined?.context().close();
      joined = await rig.newPage();
      await traceJoins(joined);
      await joined.reload();
      const { clickedAt, ms } = await joinToFirstFrame(joined, code);
      joins.push(ms);
      await new Promise((r) => setTimeout(r, 200)); // the trace's last readings
      console.error(`live weak link join → first frame ${ms} ms:\n${(await joinTrace(joined, clickedAt)).filter(keyJoinEvent).join('\n')}`);
    }
    const page = joined;
    if (!page) throw new Error('no page');
    const join = median(joins);
    console.error(`live weak link join → first frame: ${joins.join(', ')} ms`);
    await new Promise((r) => setTimeout(r, 20_000)); // let bandwidth estimate and adaptation settle
    const fps = await decodedFps(page, 10_000);
    const width = (await readPlayer(page)).frameWidth; // the layer adaptation settled on (the top one is 640 px)
    await rig.link.cut();
    await new Promise((r) => setTimeout(r, 10_000));
    const frozen = (await readPlayer(page)).framesDecoded;
    await rig.link.restore();
    const recovery = await waitDecodingResumed(page, frozen, 120_000);
    await framesAdvance(page, 5, 30_000);
    return { 'live.joinToFirstFrameMsWeakLink': join, 'live.weakLinkDecodedFps': Math.round(fps * 10) / 10, 'live.weakLinkFrameWidth': width, 'live.recoveryAfterOutageMs': recovery };
  } finally {
    await rig.close();
  }
}

export async function run(): Promise<Record<string, number>> {
  const unavailable = liveUnavailableReason();
  if (unavailable) throw new Error(`live benchmarks need the SFU worker: ${unavailable}`);
  const results = { ...(await loopback()), ...(await hubAndBroadcaster()) };
  if (weakLinkSupported()) Object.assign(results, await weakLink());
  else console.error('live weak-link figures skipped: needs root and network namespaces');
  return results;
}
