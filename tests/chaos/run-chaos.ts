// The sync chaos run: N records generated in the real renderer while the link is cut and restored at random, the hub
// is killed (SIGKILL) and restarted mid-push, and the page is closed and reopened mid-sync. At the end the hub must hold
// exactly the N ops' effects: nothing lost, nothing applied twice. Used by `npm run chaos` (10 000 ops) and, smaller,
// by `npm test` (tests/e2e/chaos-sync.test.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { BrowserContext, Page } from 'playwright-core';
import { chromiumWrapper, createWeakLink, weakLinkSupported, type LinkShape, type WeakLink } from '../net/weak-link.ts';
import { classroomContext, launchChromium } from '../support/browser.ts';
import { repoRoot, startHubProcess, type HubProcess } from '../support/hub-process.ts';
import { waitFor } from '../support/ports.ts';
import { generateOps, outboxCounts } from './chaos-page.ts';

export type ChaosOptions = { ops: number; rounds: number; seed: number; shape?: LinkShape; log?: (line: string) => void };
export type ChaosResult = { sent: number; onHub: number; lost: number; duplicated: number; events: { cuts: number; hubKills: number; pageReopens: number }; drainMs: number };

const ADMIN = 'chaos-admin-token-0123456789abcdef';
const HUB_PORT = 8787;
const RENDERER_PORT = 5173;

export async function runChaos({ ops, rounds, seed, shape = { rateKbit: 1000, rttMs: 300, lossPct: 3 }, log = () => {} }: ChaosOptions): Promise<ChaosResult> {
  if (!weakLinkSupported()) throw new Error('the chaos run needs the weak-link harness (Linux, root, /dev/net/tun, python3)');
  let state = seed >>> 0;
  const random = () => ((state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 4_294_967_296);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const events = { cuts: 0, hubKills: 0, pageReopens: 0 };

  const link: WeakLink = await createWeakLink(shape);
  const dataDir = await mkdtemp(join(tmpdir(), 'ykt-chaos-'));
  let hub: HubProcess | null = null;
  let renderer: ChildProcess | null = null;
  const browser = await launchChromium(chromiumWrapper(link));
  try {
    const curlHub = async (path: string) => {
      const r = await link.execInHub('curl', ['-sf', '-H', `authorization: Bearer ${ADMIN}`, `http://${link.hubIp}:${HUB_PORT}${path}`], { timeoutMs: 20_000 });
      if (r.code !== 0) throw new Error(`hub ${path}: curl exit ${r.code} ${r.stderr}`);
      return JSON.parse(r.stdout) as unknown;
    };
    hub = await startHubProcess({
      host: link.hubIp,
      port: HUB_PORT,
      dataDir,
      adminToken: ADMIN,
      spawnFn: link.spawnInHub,
      isUp: async (url) => (await link.execInHub('curl', ['-sf', `${url}/v1/health`], { timeoutMs: 5000 })).code === 0,
    });
    renderer = link.spawnInClient(process.execPath, ['--import', 'tsx', 'scripts/serve-renderer.ts', String(RENDERER_PORT)], { cwd: repoRoot });
    let served = '';
    renderer.stdout?.on('data', (d: Buffer) => (served += d.toString()));
    await waitFor(() => Promise.resolve(served.includes('renderer http') ? true : undefined), 'renderer in the client namespace', 30_000);

    const context: BrowserContext = await classroomContext(browser);
    const appUrl = `http://127.0.0.1:${RENDERER_PORT}/?test-hooks&hub=${encodeURIComponent(hub.url)}`;
    let page: Page = await context.newPage();
    await page.goto(appUrl);
    await page.getByLabel('注册码').fill('DEMO-ZJ-1');
    await page.getByRole('button', { name: '注册本机' }).click();
    await waitFor(async () => ((await page.getByTestId('sync-status').textContent())?.includes('已同步') ? true : undefined), 'first sync', 60_000);
    await waitFor(async () => ((await page.evaluate(() => (window as unknown as { yktTest?: { db: { quizzes: { count(): Promise<number> } } } }).yktTest?.db.quizzes.count())) ?? 0) > 0 ? true : undefined, 'quizzes pulled', 30_000);
    const deviceId = await page.evaluate(() => (JSON.parse(localStorage.getItem('ykt.identity') ?? '{}') as { deviceId?: string }).deviceId ?? '');

    const sent: string[] = [];
    const perRound = Math.ceil(ops / rounds);
    for (let round = 0; round < rounds && sent.length < ops; round++) {
      const count = Math.min(perRound, ops - sent.length);
      sent.push(...(await page.evaluate(generateOps, { count, seed: seed + round, attendanceOnly: false })));
      const roll = random();
      if (roll < 0.35) {
        events.cuts++;
        await link.cut();
        await sleep(500 + random() * 2500);
        await link.restore();
      } else if (roll < 0.65) {
        events.hubKills++;
        await sleep(1200 + random() * 1500); // the debounced push is under way
        await hub.stop();
        await sleep(500 + random() * 1500);
        await hub.start();
      } else {
        events.pageReopens++;
        await sleep(1200 + random() * 1500);
        await page.close();
        page = await context.newPage();
        await page.goto(appUrl);
      }
      log(`round ${round + 1}/${rounds}: ${sent.length} ops generated, events ${JSON.stringify(events)}`);
    }

    const drainStart = Date.now();
    await page.getByTestId('sync-status').click(); // retry now instead of waiting out the backoff
    await waitFor(async () => {
      const c = await page.evaluate(outboxCounts);
      if (c.rejected > 0) throw new Error(`${c.rejected} ops rejected by the hub`);
      if (c.pending === 0) return true;
      if (Math.random() < 0.1) await page.getByTestId('sync-status').click();
      return undefined;
    }, 'outbox drained', 15 * 60_000, 1000);
    const drainMs = Date.now() - drainStart;

    const hubOps = (await curlHub(`/v1/admin/devices/${deviceId}/ops`)) as { opIds: string[]; quizAnswerRows: number; quizAnswerOps: number };
    const sentSet = new Set(sent);
    const onHubSet = new Set(hubOps.opIds.filter((id) => sentSet.has(id)));
    const duplicated = hubOps.opIds.length - new Set(hubOps.opIds).size + (hubOps.quizAnswerRows - hubOps.quizAnswerOps) + hubOps.opIds.filter((id) => !sentSet.has(id)).length;
    await context.close();
    return { sent: sent.length, onHub: onHubSet.size, lost: sent.length - onHubSet.size, duplicated, events, drainMs };
  } finally {
    await browser.close();
    await hub?.stop();
    renderer?.kill('SIGTERM');
    await link.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
