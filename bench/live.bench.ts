// Live-lesson figures: tap 进入直播 → first decoded frame (loopback and the emulated village link), decoded frame rate
// on that link, and how long decoding takes to resume after the link is cut for 10 s. Real hub + SFU + ffmpeg
// broadcaster + Debian Chromium; medians where several runs are cheap.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveUnavailableReason } from '../hub/live/live-sfu.ts';
import { serveRenderer } from '../scripts/serve-renderer.ts';
import { weakLinkSupported } from '../tests/net/weak-link.ts';
import { classroomContext, launchChromium } from '../tests/support/browser.ts';
import { startHubProcess } from '../tests/support/hub-process.ts';
import { decodedFps, framesAdvance, joinToFirstFrameMs, readPlayer, waitDecodingResumed } from '../tests/support/live-page.ts';
import { startLiveWeakRig } from '../tests/support/live-weak-rig.ts';
import { freePort } from '../tests/support/ports.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const CODES = ['DEMO-ZJ-1', 'DEMO-ZJ-2', 'DEMO-ZJ-1'];

async function loopback(): Promise<Record<string, number>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ykt-bench-live-'));
  const hub = await startHubProcess({
    port: await freePort(),
    dataDir,
    adminToken: 'bench-live-admin-token-0123456789',
    extraEnv: { HUB_RTC_PORT: String(await freePort()), HUB_RTC_LISTEN_IP: '127.0.0.1', HUB_RTC_ANNOUNCED_IP: '127.0.0.1', HUB_DEMO_BROADCAST: '1' },
  });
  const renderer = await serveRenderer(await freePort());
  const browser = await launchChromium(undefined, ['--autoplay-policy=no-user-gesture-required']);
  try {
    const runs: number[] = [];
    for (const code of CODES) {
      const context = await classroomContext(browser);
      const page = await context.newPage();
      await page.goto(`${renderer.url}?hub=${encodeURIComponent(hub.url)}`);
      runs.push(await joinToFirstFrameMs(page, code));
      await context.close();
    }
    console.error(`live loopback join → first frame: ${runs.join(', ')} ms`);
    return { 'live.joinToFirstFrameMs': median(runs) };
  } finally {
    await browser.close();
    await renderer.close();
    await hub.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function weakLink(): Promise<Record<string, number>> {
  const rig = await startLiveWeakRig({ rateKbit: 1500, rttMs: 300, lossPct: 3 });
  try {
    const page = await rig.newPage();
    const join = await joinToFirstFrameMs(page, 'DEMO-ZJ-1');
    await new Promise((r) => setTimeout(r, 20_000)); // let bandwidth estimate and adaptation settle
    const fps = await decodedFps(page, 10_000);
    await rig.link.cut();
    await new Promise((r) => setTimeout(r, 10_000));
    const frozen = (await readPlayer(page)).framesDecoded;
    await rig.link.restore();
    const recovery = await waitDecodingResumed(page, frozen, 120_000);
    await framesAdvance(page, 5, 30_000);
    return { 'live.joinToFirstFrameMsWeakLink': join, 'live.weakLinkDecodedFps': Math.round(fps * 10) / 10, 'live.recoveryAfterOutageMs': recovery };
  } finally {
    await rig.close();
  }
}

export async function run(): Promise<Record<string, number>> {
  const unavailable = liveUnavailableReason();
  if (unavailable) throw new Error(`live benchmarks need the SFU worker: ${unavailable}`);
  const results = await loopback();
  if (weakLinkSupported()) Object.assign(results, await weakLink());
  else console.error('live weak-link figures skipped: needs root and network namespaces');
  return results;
}
