// The sync chaos run: N records generated in the real renderer while the link is cut and restored at random, the hub
// is killed (SIGKILL) and restarted mid-push, and the page is closed and reopened mid-sync. At the end the hub must hold
// exactly the N ops' effects: nothing lost, nothing applied twice. Used by `npm run chaos` (10 000 ops) and, smaller,
// by `npm test` (tests/e2e/chaos-sync.test.ts).
import type { Page } from 'playwright-core';
import type { LinkShape } from '../net/weak-link.ts';
import { startAppOnWeakLink } from '../support/app-on-weak-link.ts';
import { waitFor } from '../support/ports.ts';
import { generateOps, outboxCounts } from './chaos-page.ts';

export type ChaosOptions = { ops: number; rounds: number; seed: number; shape?: LinkShape; log?: (line: string) => void };
export type ChaosResult = { sent: number; onHub: number; lost: number; duplicated: number; events: { cuts: number; hubKills: number; pageReopens: number }; drainMs: number };

export async function runChaos({ ops, rounds, seed, shape = { rateKbit: 1000, rttMs: 300, lossPct: 3 }, log = () => {} }: ChaosOptions): Promise<ChaosResult> {
  let state = seed >>> 0;
  const random = () => ((state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 4_294_967_296);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const events = { cuts: 0, hubKills: 0, pageReopens: 0 };
  const app = await startAppOnWeakLink(shape);
  const { link, hub, context, appUrl, deviceId } = app;
  let page: Page = app.page;
  try {
    await waitFor(async () => ((await page.evaluate(() => (window as unknown as { yktTest?: { db: { quizzes: { count(): Promise<number> } } } }).yktTest?.db.quizzes.count())) ?? 0) > 0 ? true : undefined, 'quizzes pulled', 30_000);

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
        await page.getByTestId('sync-status').waitFor({ timeout: 30_000 }); // the app has loaded its identity again
      }
      log(`round ${round + 1}/${rounds}: ${sent.length} ops generated, events ${JSON.stringify(events)}`);
    }

    const drainStart = Date.now();
    await page.getByTestId('sync-status').click(); // retry now instead of waiting out the backoff
    await waitFor(async () => {
      const c = await page.evaluate(outboxCounts);
      if (c.refused > 0) throw new Error(`${c.refused} ops not accepted by the hub`);
      if (c.pending === 0) return true;
      if (Math.random() < 0.1) await page.getByTestId('sync-status').click();
      return undefined;
    }, 'outbox drained', 15 * 60_000, 1000);
    const drainMs = Date.now() - drainStart;

    const hubOps = (await app.adminGet(`/v1/admin/devices/${deviceId}/ops`)) as { opIds: string[]; quizAnswerRows: number; quizAnswerOps: number };
    const sentSet = new Set(sent);
    const onHubSet = new Set(hubOps.opIds.filter((id) => sentSet.has(id)));
    const duplicated = hubOps.opIds.length - new Set(hubOps.opIds).size + (hubOps.quizAnswerRows - hubOps.quizAnswerOps) + hubOps.opIds.filter((id) => !sentSet.has(id)).length;
    return { sent: sent.length, onHub: onHubSet.size, lost: sent.length - onHubSet.size, duplicated, events, drainMs };
  } finally {
    await app.close();
  }
}
