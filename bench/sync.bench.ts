// Sync figures over a 1 Mbit/s, 300 ms RTT link (the brief's village link), measured side by side in one run:
// - sync.drainMs10k: 10 000 queued attendance ops drained to the hub (batched, gzip) after the link comes back;
// - sync.rawPostMs10k and sync.drainRatioVsRawPost: one raw POST of the same ops' JSON over the same link, and the ratio;
// - sync.bytesPerOp: compressed request bytes per op as the hub received them.
import { writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateOps, outboxCounts, type TestHooks } from '../tests/chaos/chaos-page.ts';
import { startAppOnWeakLink } from '../tests/support/app-on-weak-link.ts';
import { waitFor } from '../tests/support/ports.ts';

const OPS = Number(process.env.BENCH_SYNC_OPS ?? 10_000);

export async function run(): Promise<Record<string, number>> {
  const app = await startAppOnWeakLink({ rateKbit: 1000, rttMs: 300, lossPct: 0 });
  const { page, link } = app;
  const bodyFile = join(tmpdir(), `ykt-bench-sync-${process.pid}.json`);
  try {
    await link.cut(); // queue everything first, as after a day offline
    await page.evaluate(generateOps, { count: OPS, seed: 3, attendanceOnly: true });
    const body = await page.evaluate(async () => {
      const { db } = (window as unknown as { yktTest: TestHooks }).yktTest;
      const rows = await db.outbox.orderBy('seq').toArray();
      return JSON.stringify({ ops: rows.map((r) => ({ ...r.op, seq: r.seq })) });
    });
    await writeFile(bodyFile, body);
    // Let the attempts made during the outage fail first (request timeout), so the timed drain starts from a quiet
    // client, as the next morning would.
    await waitFor(async () => ((await page.locator('.sync-badge').getAttribute('data-phase')) === 'offline' ? true : undefined), 'client offline', 120_000, 250);
    await link.restore();

    const before = (await app.adminGet('/v1/admin/stats')) as { pushBytes: number; pushOps: number };
    const started = Date.now();
    await page.getByTestId('sync-status').click();
    await waitFor(async () => ((await page.evaluate(outboxCounts)).pending === 0 ? true : undefined), 'outbox drained', 10 * 60_000, 250);
    const drainMs = Date.now() - started;
    const after = (await app.adminGet('/v1/admin/stats')) as { pushBytes: number; pushOps: number };

    // The same records' bytes in one plain POST from the client side of the link (the hub reads the whole body,
    // then refuses the dummy token: the upload is what is timed).
    const raw = await link.execInClient(
      'curl',
      ['-s', '-o', '/dev/null', '-w', '%{time_total}', '-X', 'POST', '-H', 'content-type: application/json', '-H', 'authorization: Bearer not-a-device-token-000000', '--data-binary', `@${bodyFile}`, `${app.hub.url}/v1/sync/push`],
      { timeoutMs: 10 * 60_000 },
    );
    const rawPostMs = Math.round(Number(raw.stdout) * 1000);
    return {
      'sync.drainMs10k': drainMs,
      'sync.rawPostMs10k': rawPostMs,
      'sync.drainRatioVsRawPost': Number((drainMs / rawPostMs).toFixed(2)),
      'sync.bytesPerOp': Number(((after.pushBytes - before.pushBytes) / OPS).toFixed(1)),
      'sync.rawBytesPerOp': Number((body.length / OPS).toFixed(1)),
    };
  } finally {
    await rm(bodyFile, { force: true });
    await app.close();
  }
}
