// Live through the school edge on the weak-link harness: the county hub (SFU + demo broadcaster) in the hub namespace;
// behind one shaped village uplink, in the client namespace, the school edge (`hub/start.ts --edge`, its own SFU) and
// classrooms — the real renderer in Debian's Chromium — on the fast "LAN" (that namespace's loopback). Each classroom is
// enrolled, given the edge on 管理员 → 本校服务器, and enters the demo live lesson.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { EdgeLiveStats, EdgeLivePaths } from '../../src/shared/edge-live-protocol.ts';
import { EdgePaths } from '../../src/shared/edge-protocol.ts';
import { chromiumWrapper, createWeakLink, type LinkShape, type WeakLink } from '../net/weak-link.ts';
import { classroomContext, launchChromium } from './browser.ts';
import { enrollInPage, TEST_IT_PIN } from './enroll-page.ts';
import { repoRoot, startHubProcess, type HubProcess } from './hub-process.ts';
import { DEMO_LIVE_LESSON, LIVE_CHROMIUM_ARGS } from './live-page.ts';
import { waitFor } from './ports.ts';

const HUB_PORT = 8787;
const EDGE_PORT = 8788;
const RENDERER_PORT = 5173;
const ADMIN = 'edge-live-admin-token-0123456789';

export async function startEdgeLiveRig(shape: LinkShape) {
  const link: WeakLink = await createWeakLink(shape);
  const dataDir = await mkdtemp(join(tmpdir(), 'ykt-edge-live-'));
  const edgeDir = await mkdtemp(join(tmpdir(), 'ykt-edge-live-edge-'));
  let hub: HubProcess | undefined;
  let browser: Browser | undefined;
  let edge: ChildProcess | null = null;
  const children: ChildProcess[] = [];
  const close = async () => {
    await browser?.close().catch(() => undefined);
    edge?.kill('SIGKILL');
    for (const c of children) c.kill('SIGKILL');
    await hub?.stop();
    await link.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(edgeDir, { recursive: true, force: true });
  };
  try {
    hub = await startHubProcess({
      host: link.hubIp,
      port: HUB_PORT,
      dataDir,
      adminToken: ADMIN,
      spawnFn: link.spawnInHub,
      isUp: async (url) => (await link.execInHub('curl', ['-sf', `${url}/v1/health`], { timeoutMs: 5000 })).code === 0,
      extraEnv: { HUB_RTC_PORT: '40443', HUB_RTC_LISTEN_IP: link.hubIp, HUB_RTC_ANNOUNCED_IP: link.hubIp, HUB_DEMO_BROADCAST: '1', HUB_DEMO_COURSEWARE: '0', HUB_RECORD: '0' },
    });
    const county = hub.url;
    const hubCurl = async (args: string[]) => (await link.execInHub('curl', ['-sf', '-H', `authorization: Bearer ${ADMIN}`, ...args], { timeoutMs: 15_000 })).stdout;
    const code = (JSON.parse(await hubCurl(['-X', 'POST', '-H', 'content-type: application/json', '-d', '{"schoolId":"sch-zj"}', `${county}${EdgePaths.codes}`])) as { code: string }).code;
    const edgeUrl = `http://127.0.0.1:${EDGE_PORT}`;
    const edgeEnv = {
      ...process.env,
      HUB_UPSTREAM: county,
      HUB_EDGE_CODE: code,
      HUB_DATA_DIR: edgeDir,
      HUB_HOST: '127.0.0.1',
      HUB_PORT: String(EDGE_PORT),
      HUB_ADMIN_TOKEN: 'edge-live-edge-admin-0123456789',
      HUB_EDGE_HOURS: 'off',
      HUB_RTC_PORT: '40444',
      HUB_RTC_LISTEN_IP: '127.0.0.1',
      HUB_RTC_ANNOUNCED_IP: '127.0.0.1',
    };
    const startEdge = async () => {
      edge = link.spawnInClient(process.execPath, ['--import', 'tsx', 'hub/start.ts', '--edge'], { cwd: repoRoot, env: edgeEnv });
      const up = async () => (await link.execInClient('curl', ['-sf', `${edgeUrl}/v1/health`], { timeoutMs: 5000 })).code === 0;
      await waitFor(async () => ((await up()) ? true : undefined), 'school edge up', 60_000);
    };
    await startEdge();
    const renderer = link.spawnInClient(process.execPath, ['--import', 'tsx', 'scripts/serve-renderer.ts', String(RENDERER_PORT)], { cwd: repoRoot });
    children.push(renderer);
    let served = '';
    renderer.stdout?.on('data', (d: Buffer) => (served += d.toString()));
    await waitFor(() => Promise.resolve(served.includes('renderer http') ? true : undefined), 'renderer server in the client namespace', 30_000);
    browser = await launchChromium(chromiumWrapper(link), LIVE_CHROMIUM_ARGS);
    const b = browser;
    return {
      link,
      county,
      edgeUrl,
      startEdge,
      /** SIGKILL, as a power cut. */
      async killEdge() {
        const running = edge;
        edge = null;
        if (!running || running.exitCode !== null) return;
        const exited = new Promise((r) => running.once('exit', r));
        running.kill('SIGKILL');
        await exited;
      },
      /** A classroom PC: enrolled, the school edge set on 管理员, in the live lesson. */
      async classroom(code: string, viewport?: { width: number; height: number }): Promise<Page> {
        const context = viewport ? await b.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport }) : await classroomContext(b);
        const page = await context.newPage();
        await page.goto(`http://127.0.0.1:${RENDERER_PORT}/?hub=${encodeURIComponent(county)}`);
        await enrollInPage(page, code);
        await page.getByRole('button', { name: '管理员' }).click();
        await page.getByLabel('管理员密码').fill(TEST_IT_PIN);
        await page.getByRole('button', { name: '进入' }).click();
        await page.getByLabel('本校服务器地址').fill(edgeUrl);
        await page.getByRole('button', { name: '保存地址' }).click();
        await waitFor(async () => ((await page.getByTestId('edge-state').textContent())?.includes('正在从本校服务器') ? true : undefined), 'the edge in use', 20_000);
        await page.getByRole('button', { name: '返回课表' }).first().click();
        await page.getByText(DEMO_LIVE_LESSON.title).first().click({ timeout: 30_000 });
        await page.getByRole('button', { name: /进入直播/ }).click();
        return page;
      },
      /** What the county sent to school edges for live lessons (RTP bytes, feeds). */
      async feeds() {
        return EdgeLiveStats.parse(JSON.parse(await hubCurl([`${county}${EdgeLivePaths.stats}`])));
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
export type EdgeLiveRig = Awaited<ReturnType<typeof startEdgeLiveRig>>;

/**
 * Two boards of one size. Their camera picture is ~700 px wide, so layer 2 (640 px) is what its size is worth; the
 * adaptation steps between layers 1 and 2 on the decoded frame rate, which on two busy cores (a CI run) it does every
 * few seconds — so the bytes are compared on one layer (uplinkBytesOver), not over a stretch of time.
 */
export const EDGE_BOARD = { width: 760, height: 600 };
/** About 10 s of the demo broadcast, all layers. */
const WINDOW_SOURCE_BYTES = 2_500_000;

/**
 * County → school RTP bytes per byte the broadcaster sent (every layer), read at the county every 250 ms and summed
 * over the intervals the forwarded layer was `layer` at both ends (an interval with a switch in it is left out) until
 * the broadcaster sent a window's worth in them: a clock of the broadcaster's own output, not a stopwatch nor a
 * classroom's decoded frames (two Chromium classrooms on two busy cores decode slower). The layer defaults to the one
 * forwarded at the start; a second window passes the first's, so two windows compare like with like. A window measured
 * from end to end with a switch inside read +57 % once in CI.
 */
export async function uplinkBytesOver(rig: EdgeLiveRig, layer?: string) {
  const at = async () => {
    const feed = (await rig.feeds()).feeds[0];
    return { sent: feed?.rtpBytesSent ?? 0, source: feed?.sourceBytes ?? 0, layers: JSON.stringify(feed?.layers ?? []) };
  };
  let previous = await at();
  const wanted = layer ?? previous.layers;
  const total = { sent: 0, source: 0 };
  const seen = new Set<string>();
  await waitFor(
    async () => {
      const now = await at();
      seen.add(now.layers);
      if (now.layers === wanted && previous.layers === wanted) {
        total.sent += now.sent - previous.sent;
        total.source += now.source - previous.source;
      }
      previous = now;
      return total.source >= WINDOW_SOURCE_BYTES ? true : undefined;
    },
    `a window's worth on layer ${wanted} (seen: ${[...seen].join(', ')})`,
    180_000,
    250,
  );
  return { perSource: total.sent / total.source, layers: wanted };
}
