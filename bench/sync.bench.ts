// Sync figures over a 1 Mbit/s, 300 ms RTT link (the brief's village link), measured side by side in one run. The
// classroom uploads (CUBIC, as Windows sends); the hub is a stock one (CUBIC) — it only answers.
// - sync.drainMs10k: 10 000 queued attendance ops drained to the hub after the link comes back (as the app does it:
//   over the sync socket, batches back to back on one compressed WebSocket, compact acks);
// - sync.wireMs10k: what those ops' compressed bytes (as the hub's socket read them, framing included) need on that link; drainRatioVsWire is
//   the one over the other (1.0 would be a link carrying nothing else);
// - sync.drainRatioVsWireBusy: the same with one CPU-spinning process per core beside it;
// - sync.hubApplyOpsPerSec: the hub applying such ops to SQLite, without the network;
// - sync.hubApplyOpsPerSecPg / sync.hubApplyOpsPerSecPgOpByOp: the same on PostgreSQL, in bulk (as the hub applies a
//   push) and op by op (its fallback, and how every push was applied before), side by side in one run;
// - sync.rawPostMs10k / sync.drainRatioVsRawPost: one plain POST of the same ops' uncompressed JSON, and the ratio;
// - sync.gzipPostMs10k / sync.drainRatioVsGzipPost: one POST of the same ops gzip-compressed, over one connection
//   (the floor for one TCP stream from the PC), and the ratio;
// - sync.bytesPerOp / sync.rawBytesPerOp: compressed request bytes per op as the hub received them, and raw JSON.
// - sync.firstPullBytes / sync.firstPullBytesCompressed, sync.firstPullMs / sync.firstPullMsCompressed: a classroom's
//   whole pull from cursor 0 (every page, 500 changes each, as the app asks), fetched from the classroom's side of the
//   link as the hub answers it plain and compressed (Accept-Encoding: gzip, as Chromium asks over HTTP); the hub sends
//   it (CUBIC).
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { gunzipSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { generateOps, type TestHooks } from '../tests/chaos/chaos-page.ts';
import { startAppOnWeakLink, type AppOnWeakLink } from '../tests/support/app-on-weak-link.ts';
import { waitFor } from '../tests/support/ports.ts';
import { startCpuHog } from './cpu-hog.ts';
import { hubApplyOpsPerSec, hubApplyOpsPerSecPg } from './hub-apply-figures.ts';

const OPS = Number(process.env.BENCH_SYNC_OPS ?? 10_000);
const RATE_KBIT = 1000;

export type Drain = { drainMs: number; pushBytes: number; body: string };

/**
 * Queues OPS ops while the link is cut (`queue`: attendance by default; practice.bench.ts queues students' attempts),
 * then times the drain from the moment it is back.
 */
export async function drain(app: AppOnWeakLink, seed: number, busy: boolean, queue: (count: number) => Promise<unknown> = (count) => app.page.evaluate(generateOps, { count, seed, attendanceOnly: true })): Promise<Drain> {
  const { page, link } = app;
  await link.cut(); // queue everything first, as after a day offline
  const t0 = Date.now();
  await queue(OPS);
  console.error(`sync: ${OPS} ops queued in ${Date.now() - t0} ms`);
  const body = await page.evaluate(async () => {
    const { db } = (window as unknown as { yktTest: TestHooks }).yktTest;
    const rows = await db.outbox.orderBy('seq').toArray();
    return JSON.stringify({ ops: rows.map((r) => ({ ...r.op, seq: r.seq })) });
  });
  // Let the attempts made during the outage fail first (request timeout), so the timed drain starts from a quiet
  // client, as the next morning would.
  await waitFor(async () => ((await page.locator('.sync-badge').getAttribute('data-phase')) === 'offline' ? true : undefined), 'client offline', 240_000, 250);
  console.error(`sync: client offline; draining${busy ? ' beside a CPU hog' : ''}`);
  const hog = busy ? startCpuHog() : null;
  try {
    await link.restore();
    const before = (await app.adminGet('/v1/admin/stats')) as { pushBytes: number; pushRequests: number };
    // Timed inside the page, from the tap to the moment no op is pending: a poll from here through the DevTools
    // protocol added up to its period and a round trip to every figure.
    const [pageStart, pageEnd] = await page.evaluate(async () => {
      const { session, db } = (window as unknown as { yktTest: TestHooks }).yktTest;
      const start = performance.now();
      void session.syncNow(); // what a tap on the status badge does (without opening 同步详情)
      // An index count only: a scan of every row (outboxCounts' refused count) would compete with the drain.
      while ((await db.outbox.where('status').equals('pending').count()) > 0) {
        if (performance.now() - start > 10 * 60_000) throw new Error('outbox not drained in 10 minutes');
        await new Promise((r) => setTimeout(r, 20));
      }
      return [start, performance.now()];
    });
    const drainMs = Math.round(pageEnd - pageStart);
    const after = (await app.adminGet('/v1/admin/stats')) as { pushBytes: number; pushRequests: number };
    console.error(`sync: drain ${drainMs} ms in ${after.pushRequests - before.pushRequests} batches`);
    return { drainMs, pushBytes: after.pushBytes - before.pushBytes, body };
  } finally {
    await hog?.stop();
  }
}

/** The timetable's content downloads first (the figure is the records' own: a link carrying nothing else). */
export async function contentDownloaded(app: AppOnWeakLink) {
  await waitFor(
    () =>
      app.page.evaluate(async () => {
        const { db } = (window as unknown as { yktTest: TestHooks }).yktTest;
        const files = await db.contentFiles.toArray();
        return files.length > 0 && files.every((f) => f.state === 'complete') ? true : undefined;
      }),
    'content downloaded before the sync is timed',
    10 * 60_000,
    500,
  );
}

export async function run(): Promise<Record<string, number>> {
  const app = await startAppOnWeakLink({ rateKbit: RATE_KBIT, rttMs: 300, lossPct: 0 });
  await contentDownloaded(app);
  const bodyFile = join(tmpdir(), `ykt-bench-sync-${process.pid}.json`);
  try {
    const quiet = await drain(app, 3, false);
    const busy = await drain(app, 4, true);
    const wireMs = (d: Drain) => (d.pushBytes * 8) / RATE_KBIT;
    console.error(`sync: quiet ${quiet.drainMs} ms for ${quiet.pushBytes} bytes (${Math.round(wireMs(quiet))} ms on the wire); busy ${busy.drainMs} ms for ${busy.pushBytes} bytes`);

    // The same records in one POST from the client side of the link, with the device's own token (the ops were applied
    // already: the hub reads the whole body, then answers duplicates or refuses too many ops for one request — 400;
    // the upload is what is timed). Plain JSON, and gzip-compressed as the app sends it: the latter, one TCP stream
    // from this PC with slow start and all, is the floor for any client on this link.
    const token = await app.page.evaluate(() => (JSON.parse(localStorage.getItem('ykt.identity') ?? '{}') as { token?: string }).token ?? '');
    const postMs = async (what: string, body: Buffer | string, headers: string[]) => {
      await writeFile(bodyFile, body);
      const curl = await app.link.execInClient(
        'curl',
        ['-s', '-o', '/dev/null', '-w', '%{time_total} %{http_code}', '-X', 'POST', '-H', 'content-type: application/json', ...headers.flatMap((h) => ['-H', h]), '-H', `authorization: Bearer ${token}`, '--data-binary', `@${bodyFile}`, `${app.hub.url}/v1/sync/push`],
        { timeoutMs: 10 * 60_000 },
      );
      const [seconds = '0', status = ''] = curl.stdout.trim().split(' ');
      if (status !== '200' && status !== '400') console.error(`sync: ${what} POST answered HTTP ${status}`);
      const ms = Math.round(Number(seconds) * 1000);
      console.error(`sync: one ${what} POST of the same ops: ${body.length} bytes in ${ms} ms`);
      return ms;
    };
    const firstPull = async (compressed: boolean) => {
      let cursor = 0;
      const total = { bytes: 0, ms: 0 };
      for (let page = 0; page < 100; page++) {
        const curl = await app.link.execInClient(
          'curl',
          ['-s', ...(compressed ? ['-H', 'accept-encoding: gzip'] : []), '-D', '-', '-o', bodyFile, '-w', '\n%{size_download} %{time_total}', '-H', `authorization: Bearer ${token}`, `${app.hub.url}/v1/sync/pull?cursor=${cursor}&limit=500`],
          { timeoutMs: 5 * 60_000 },
        );
        const [bytes = '0', seconds = '0'] = (curl.stdout.trim().split('\n').at(-1) ?? '').split(' ');
        total.bytes += Number(bytes);
        total.ms += Number(seconds) * 1000;
        const raw = await readFile(bodyFile);
        const page = JSON.parse((compressed && /content-encoding: gzip/i.test(curl.stdout) ? gunzipSync(raw) : raw).toString('utf8')) as { cursor: number; hasMore: boolean };
        cursor = page.cursor;
        if (!page.hasMore) break;
      }
      console.error(`sync: first pull ${compressed ? 'compressed' : 'plain'}: ${total.bytes} bytes in ${Math.round(total.ms)} ms`);
      return { bytes: total.bytes, ms: Math.round(total.ms) };
    };
    const plainPull = await firstPull(false);
    const compressedPull = await firstPull(true);
    const rawPostMs = await postMs('plain', quiet.body, []);
    const gzipPostMs = await postMs('gzip', gzipSync(quiet.body), ['content-encoding: gzip']);
    return {
      'sync.drainMs10k': quiet.drainMs,
      'sync.wireMs10k': Math.round(wireMs(quiet)),
      'sync.drainRatioVsWire': Number((quiet.drainMs / wireMs(quiet)).toFixed(2)),
      'sync.drainMs10kBusy': busy.drainMs,
      'sync.drainRatioVsWireBusy': Number((busy.drainMs / wireMs(busy)).toFixed(2)),
      'sync.hubApplyOpsPerSec': Math.round(await hubApplyOpsPerSec(OPS)),
      ...(await hubApplyOpsPerSecPg(OPS).then(({ bulk, opByOp }) => ({ 'sync.hubApplyOpsPerSecPg': Math.round(bulk), 'sync.hubApplyOpsPerSecPgOpByOp': Math.round(opByOp) }))),
      'sync.rawPostMs10k': rawPostMs,
      'sync.drainRatioVsRawPost': Number((quiet.drainMs / rawPostMs).toFixed(2)),
      'sync.gzipPostMs10k': gzipPostMs,
      'sync.drainRatioVsGzipPost': Number((quiet.drainMs / gzipPostMs).toFixed(2)),
      'sync.bytesPerOp': Number((quiet.pushBytes / OPS).toFixed(1)),
      'sync.rawBytesPerOp': Number((quiet.body.length / OPS).toFixed(1)),
      'sync.firstPullBytes': plainPull.bytes,
      'sync.firstPullBytesCompressed': compressedPull.bytes,
      'sync.firstPullMs': plainPull.ms,
      'sync.firstPullMsCompressed': compressedPull.ms,
    };
  } finally {
    await rm(bodyFile, { force: true });
    await app.close();
  }
}
