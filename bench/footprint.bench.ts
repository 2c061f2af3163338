// The classroom browser's footprint in a live lesson (issue #21: a 4 GB, 2-core PC): Debian's Chromium on the live
// screen at 1280×720 with the teacher's camera and the courseware from the hub's ffmpeg broadcaster, once settled:
// - live.browserPssMB720p: PSS summed over the whole Chromium process tree (like a task manager), MB;
// - live.browserCpuPct720p: CPU of that tree over 20 s, % of one core;
// both with the product's switches (src/main/chromium-switches.ts, as Electron sets them), and side by side in the same
// run without them (…NoSwitches), so the difference is the switches' and not the machine's mood. stderr: PSS by
// process role. Headless Chromium, software decoding (as on a classroom PC without a usable GPU driver).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveUnavailableReason } from '../hub/features/live/sfu/live-sfu.ts';
import { serveRenderer } from '../scripts/serve-renderer.ts';
import { CLASSROOM_SWITCHES, switchArgs } from '../src/main/chromium-switches.ts';
import { launchChromium } from '../tests/support/browser.ts';
import { startHubProcess } from '../tests/support/hub-process.ts';
import { enrollAndEnterLive, LIVE_CHROMIUM_ARGS, readPlayer } from '../tests/support/live-page.ts';
import { freePort, waitFor } from '../tests/support/ports.ts';
import { launchedChromium, treeCpuPct, treePss } from './process-tree.ts';

const VIEWPORT = { width: 1280, height: 720 };
const ARTIFACTS = join(import.meta.dirname, '../tests/artifacts');
const SETTLE_MS = 10_000;
const CPU_WINDOW_MS = 20_000;

async function measure(appUrl: string, extraArgs: string[]): Promise<{ pssMB: number; cpuPct: number; byRole: Record<string, number> }> {
  const browser = await launchChromium(undefined, [...LIVE_CHROMIUM_ARGS, ...extraArgs]);
  try {
    const root = await launchedChromium();
    const page = await (await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: VIEWPORT })).newPage();
    await page.goto(appUrl);
    await enrollAndEnterLive(page, 'DEMO-ZJ-1', 60_000);
    await waitFor(async () => ((await readPlayer(page)).sources === 'camera courseware' ? true : undefined), 'camera and courseware on air', 60_000, 500);
    const start = await readPlayer(page);
    await waitFor(
      async () => {
        const r = await readPlayer(page);
        return r.framesDecoded > start.framesDecoded + 50 && r.coursewareFrames > start.coursewareFrames + 4 ? true : undefined;
      },
      'both videos decoding',
      90_000,
      500,
    );
    await new Promise((r) => setTimeout(r, SETTLE_MS)); // the first seconds' allocations settle (the scenario, not an assertion)
    const cpuPct = await treeCpuPct(root, CPU_WINDOW_MS);
    const { totalMB, byRole } = await treePss(root);
    const end = await readPlayer(page);
    // Both videos shown, as the figure claims (a busy machine can make the adaptation drop the camera: then say so).
    if (end.mode !== 'full') console.error(`footprint: measured in ${end.mode} mode, not with both videos`);
    await page.screenshot({ path: join(ARTIFACTS, `footprint-${extraArgs.length ? 'switches' : 'plain'}.png`) });
    console.error(`footprint ${extraArgs.length ? extraArgs.slice(switchArgs(CLASSROOM_SWITCHES).length).join(' ') || 'with switches' : 'no switches'}: ${totalMB} MB PSS, ${cpuPct} % CPU, ${JSON.stringify(byRole)}; camera ${end.frameWidth} px, ${end.phase}/${end.mode}`);
    return { pssMB: totalMB, cpuPct, byRole };
  } finally {
    await browser.close();
  }
}

export async function run(): Promise<Record<string, number | string | null>> {
  const unavailable = liveUnavailableReason();
  if (unavailable) return { 'live.browserPssMB720p': null, 'footprint.skipped': unavailable };
  const dataDir = await mkdtemp(join(tmpdir(), 'ykt-footprint-'));
  const hub = await startHubProcess({
    port: await freePort(),
    dataDir,
    adminToken: 'footprint-admin-token-0123456789',
    extraEnv: { HUB_RTC_PORT: String(await freePort()), HUB_RTC_LISTEN_IP: '127.0.0.1', HUB_DEMO_LIVE: '1', HUB_DEMO_BROADCAST: '1', HUB_DEMO_COURSEWARE: '1', HUB_RECORD: '0' },
  });
  const renderer = await serveRenderer(await freePort());
  try {
    const appUrl = `${renderer.url}?hub=${encodeURIComponent(hub.url)}`;
    // FOOTPRINT_TRY="--flag --other": one more run with these added to the product's switches (to weigh a candidate).
    const tryArgs = process.env.FOOTPRINT_TRY?.split(' ').filter(Boolean) ?? [];
    const plain = await measure(appUrl, []);
    const product = await measure(appUrl, switchArgs(CLASSROOM_SWITCHES));
    const tried = tryArgs.length > 0 ? await measure(appUrl, [...switchArgs(CLASSROOM_SWITCHES), ...tryArgs]) : null;
    return {
      'live.browserPssMB720p': product.pssMB,
      'live.browserCpuPct720p': product.cpuPct,
      'live.browserPssMB720pNoSwitches': plain.pssMB,
      'live.browserCpuPct720pNoSwitches': plain.cpuPct,
      'live.browserRendererPssMB720p': product.byRole.renderer ?? null,
      ...(tried ? { 'footprint.tryArgs': tryArgs.join(' '), 'footprint.tryPssMB': tried.pssMB, 'footprint.tryCpuPct': tried.cpuPct } : {}),
    };
  } finally {
    await renderer.close();
    await hub.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
