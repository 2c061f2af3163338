// Download figures over the brief's lossy village link (2 Mbit/s, 300 ms RTT, 3 % loss), for a stock hub (CUBIC, as
// Debian/Ubuntu/Windows servers send) and a tuned one (BBR, hub/deploy/tune-network.sh), side by side in one run; the
// classroom side sends with CUBIC, as Windows does. Keys end in .cubic / .bbr; the keys without a suffix are the stock
// hub's (CUBIC) figures.
// - download.linkUtilisation: our downloader's goodput in Chromium (first to last content request, Resource Timing)
//   over the whole timetable's content / link rate;
// - download.goodputRatioVsCurl: that goodput / curl fetching 1.5 MB of the same file in one stream over the same link;
// - download.resumeRefetchedChunks: bytes the link carried for a download whose browser was SIGKILLed mid-way and
//   reopened, minus the bytes of an uninterrupted one, in chunks (the relay counts each TCP payload byte once);
//   the plain key is the worse of the two hubs;
//   it is split into download.resumeUnsavedChunks (received by the app but not yet stored when it was killed: what
//   saving partial chunks more often would shrink) and download.resumeAfterKillChunks (delivered by the link after the
//   kill: the bottleneck's queue and the wire, which no downloader keeps); the rest is bytes the dead browser's kernel
//   held out of order behind a loss, and the restarted app's listing requests;
// - idb.writeRatioVsRawBlob: 8 MB as 32 chunk rows through Dexie vs one raw IndexedDB Blob put, same browser;
// - cache.playToFirstFrameMs: cached recording from IndexedDB → object URL → first decoded frame.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { ingestFolder } from '../hub/features/content/ingest.ts';
import { loadOrCreatePackSigner } from '../hub/core/signing/pack-signing.ts';
import { openDatabase } from '../hub/core/db/open-database.ts';
import type { CongestionControl } from '../tests/net/weak-link.ts';
import { enrollInPage } from '../tests/support/enroll-page.ts';
import { waitFor } from '../tests/support/ports.ts';
import { startWeakContent, type WeakContent } from '../tests/support/weak-content.ts';
import { cachedPlayToFirstFrameMs, idbChunkWrites } from './download-page-figures.ts';

const RATE_KBIT = 2000;
const BIG_BYTES = Number(process.env.BENCH_DOWNLOAD_BYTES ?? 16_000_000);
const CURL_BYTES = 1_500_000;
/** Chunk size of the benchmark file (the demo files keep the default 256 KiB). */
const CHUNK_BYTES = process.env.BENCH_CHUNK_BYTES ? Number(process.env.BENCH_CHUNK_BYTES) : 256 * 1024;
const HUBS: CongestionControl[] = (process.env.BENCH_HUB_CC?.split(',') as CongestionControl[] | undefined) ?? ['cubic', 'bbr'];

async function enroll(page: Page, url: string) {
  await page.goto(url);
  await enrollInPage(page, 'DEMO-LT-1');
}

/** Files complete / total, bytes, and chunks stored, from the app's IndexedDB. */
const progress = (page: Page) =>
  page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((r) => (indexedDB.open('ykt-classroom').onsuccess = (e) => r((e.target as IDBOpenDBRequest).result)));
    const files = await new Promise<{ state: string; size: number; sha256: string }[]>(
      (r) => (db.transaction('contentFiles').objectStore('contentFiles').getAll().onsuccess = (e) => r((e.target as IDBRequest<{ state: string; size: number; sha256: string }[]>).result)),
    );
    const chunks = await new Promise<number>((r) => (db.transaction('contentChunks').objectStore('contentChunks').count().onsuccess = (e) => r((e.target as IDBRequest<number>).result)));
    db.close();
    return { complete: files.filter((f) => f.state === 'complete').length, total: files.length, bytes: files.reduce((s, f) => s + f.size, 0), chunks, files };
  });

const allComplete = (page: Page, what: string) =>
  waitFor(async () => {
    const p = await progress(page);
    return p.total >= 4 && p.complete === p.total ? true : undefined;
  }, what, 300_000, 250);

async function startEnv(cc: CongestionControl): Promise<WeakContent> {
  return startWeakContent(
    { rateKbit: RATE_KBIT, rttMs: 300, lossPct: 3 },
    async (dataDir) => {
      const folder = join(dataDir, 'bench-src');
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, 'long-lesson.mp4.bin'), randomBytes(BIG_BYTES)); // random: no compression anywhere helps
      const db = openDatabase(join(dataDir, 'hub.sqlite'));
      await ingestFolder(db, folder, { contentDir: join(dataDir, 'content'), signer: loadOrCreatePackSigner(dataDir).signer, now: new Date(), packId: 'pack-bench', kind: 'preview', lessonIds: ['les-p5-0-1'], chunkSize: CHUNK_BYTES });
      await db.close();
    },
    { hub: cc, client: 'cubic' },
  );
}

/** Bytes the app has stored (verified chunks and saved parts), then bytes it has received this session. */
const appBytes = (page: Page) =>
  page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((r) => (indexedDB.open('ykt-classroom').onsuccess = (e) => r((e.target as IDBOpenDBRequest).result)));
    let stored = 0; // (no named helper in here: the bundler would wrap it in a function the page does not have)
    for (const store of ['contentChunks', 'chunkParts']) {
      const rows = await new Promise<{ data: Blob }[]>((r) => (db.transaction(store).objectStore(store).getAll().onsuccess = (e) => r((e.target as IDBRequest<{ data: Blob }[]>).result)));
      stored += rows.reduce((n, row) => n + row.data.size, 0);
    }
    db.close();
    // Read last: bytes that arrived while the rows were read count as unsaved (an upper bound, not a lower one).
    const received = (window as unknown as { yktTest?: { downloads?: () => { counters: { bytesReceived: number } } } }).yktTest?.downloads?.().counters.bytesReceived ?? 0;
    return { received, stored };
  });

/** The link's count of bytes delivered to the client, once it has stopped moving (what was in flight has landed). */
async function quietWire(env: WeakContent): Promise<number> {
  let last = -1;
  return waitFor(async () => {
    const now = (await env.link.tcpPayloadBytes()).toClient;
    const settled = now === last;
    last = now;
    return settled ? now : undefined;
  }, 'the link quiet after the kill', 30_000, 1000);
}

/** `resume`: what the kill cost, in chunks: bytes the app had received but not stored, and bytes the link delivered
 * to the browser after it died (in the link's queue and on the wire then; no downloader could keep them). */
type HubFigures = {
  utilisation: number;
  goodputKbit: number;
  curlKbit: number;
  refetchedChunks: number;
  resume: { unsavedChunks: number; afterKillChunks: number };
  inFlight: number;
  extra: Record<string, number>;
};

async function measure(cc: CongestionControl, withPageFigures: boolean): Promise<HubFigures> {
  const env = await startEnv(cc);
  const profiles: string[] = [];
  const profile = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ykt-bench-profile-'));
    profiles.push(dir);
    return { dir, context: await env.openProfile(dir) };
  };
  const firstPage = async (context: BrowserContext) => context.pages()[0] ?? (await context.newPage());
  try {
    const url = `${env.rendererUrl}&test-hooks`;
    // 1. Our downloader, the whole timetable's content, from the first content request to the end of the last one.
    const a = await profile();
    const page = await firstPage(a.context);
    const wireBefore = await env.link.tcpPayloadBytes();
    await enroll(page, url);
    const trace: string[] = [];
    const tracing = setInterval(() => {
      void page
        .evaluate(() => {
          const c = (window as unknown as { yktTest?: { downloads?: () => { counters: { inFlight: number; bytesReceived: number } } } }).yktTest?.downloads?.().counters;
          return c ? `${c.inFlight}:${Math.round(c.bytesReceived / 1000)}` : '-';
        })
        .then((n) => trace.push(n))
        .catch(() => undefined);
    }, 1000);
    await allComplete(page, `all content downloaded (${cc} hub)`).finally(() => clearInterval(tracing));
    console.error(`download (${cc} hub): ranges in flight:kB received, once a second: ${trace.join(' ')}`);
    const cleanWire = (await env.link.tcpPayloadBytes()).toClient - wireBefore.toClient;
    const { bytes, files } = await progress(page);
    const span = await page.evaluate(() => {
      const entries = performance.getEntriesByType('resource').filter((e) => e.name.includes('/v1/content/blobs/')) as PerformanceResourceTiming[];
      return { start: Math.min(...entries.map((e) => e.startTime)), end: Math.max(...entries.map((e) => e.responseEnd)), requests: entries.length };
    });
    const inFlight = await page.evaluate(() => (window as unknown as { yktTest?: { downloads?: () => { counters: { inFlight: number } } } }).yktTest?.downloads?.().counters.inFlight ?? 0);
    const oursBps = (bytes * 8) / ((span.end - span.start) / 1000);
    console.error(`download (${cc} hub): ${bytes} bytes in ${Math.round(span.end - span.start)} ms, ${span.requests} requests, ${inFlight} in flight at the end`);
    const extra = withPageFigures ? { ...(await idbChunkWrites(page)), 'cache.playToFirstFrameMs': Math.round(await cachedPlayToFirstFrameMs(page)) } : {};
    await a.context.close();

    // 2. curl: the first 1.5 MB of the same big file in one stream over the same link.
    const enrolled = await env.link.execInClient('curl', ['-sf', '-H', 'content-type: application/json', '-d', '{"code":"DEMO-LT-1","deviceName":"curl"}', `${env.hub.url}/v1/enroll`]);
    const token = (JSON.parse(enrolled.stdout) as { device: { token: string } }).device.token;
    const big = files.find((f) => f.size === BIG_BYTES);
    if (!big) throw new Error('bench file not downloaded');
    const curl = await env.link.execInClient(
      'curl',
      ['-sf', '-o', '/dev/null', '-r', `0-${CURL_BYTES - 1}`, '-w', '%{size_download} %{time_total}', '-H', `authorization: Bearer ${token}`, `${env.hub.url}/v1/content/blobs/${big.sha256}`],
      { timeoutMs: 300_000 },
    );
    const [size = 0, total = 1] = curl.stdout.trim().split(' ').map(Number);
    const curlBps = (size * 8) / total;
    console.error(`download (${cc} hub): curl ${size} bytes in ${total} s`);

    // 3. Resume: a fresh profile, its browser SIGKILLed once a few chunks are stored, reopened to completion. What the
    //    link carried beyond an uninterrupted download is what the kill cost.
    const resumeBefore = await env.link.tcpPayloadBytes();
    const b = await profile();
    const resumePage = await firstPage(b.context);
    await enroll(resumePage, url);
    await waitFor(async () => ((await progress(resumePage)).chunks >= 6 ? true : undefined), 'a few chunks stored', 180_000, 100);
    const app = await appBytes(resumePage);
    const wireAtKill = (await env.link.tcpPayloadBytes()).toClient;
    await env.killProfile(b.dir);
    const wireAfterKill = await quietWire(env);
    await b.context.close().catch(() => undefined); // already dead
    const reopened = await env.openProfile(b.dir);
    const again = await firstPage(reopened);
    await again.goto(url);
    await allComplete(again, `resumed download complete (${cc} hub)`);
    const resumeWire = (await env.link.tcpPayloadBytes()).toClient - resumeBefore.toClient;
    await reopened.close();
    const refetchedChunks = Math.max(0, resumeWire - cleanWire) / CHUNK_BYTES;
    const resume = { unsavedChunks: Math.max(0, app.received - app.stored) / CHUNK_BYTES, afterKillChunks: (wireAfterKill - wireAtKill) / CHUNK_BYTES };
    console.error(`download (${cc} hub): ${cleanWire} bytes on the link uninterrupted, ${resumeWire} killed and resumed`);
    console.error(
      `download (${cc} hub): at the kill the app had received ${app.received} bytes and stored ${app.stored}; ` +
        `the link delivered ${wireAfterKill - wireAtKill} more to the dead browser`,
    );
    return { utilisation: oursBps / (RATE_KBIT * 1000), goodputKbit: oursBps / 1000, curlKbit: curlBps / 1000, refetchedChunks, resume, inFlight, extra };
  } finally {
    await env.close();
    for (const dir of profiles) await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const byHub = new Map<CongestionControl, HubFigures>();
  for (const cc of HUBS) {
    const f = await measure(cc, byHub.size === 0);
    byHub.set(cc, f);
    Object.assign(out, f.extra, {
      [`download.linkUtilisation.${cc}`]: Number(f.utilisation.toFixed(3)),
      [`download.goodputKbit.${cc}`]: Math.round(f.goodputKbit),
      [`download.curlGoodputKbit.${cc}`]: Math.round(f.curlKbit),
      [`download.goodputRatioVsCurl.${cc}`]: Number((f.goodputKbit / f.curlKbit).toFixed(2)),
      [`download.resumeRefetchedChunks.${cc}`]: Number(f.refetchedChunks.toFixed(2)),
      [`download.resumeUnsavedChunks.${cc}`]: Number(f.resume.unsavedChunks.toFixed(2)),
      [`download.resumeAfterKillChunks.${cc}`]: Number(f.resume.afterKillChunks.toFixed(2)),
      [`download.inFlightAtEnd.${cc}`]: f.inFlight,
    });
  }
  const stock = byHub.get('cubic') ?? [...byHub.values()][0];
  if (stock) {
    Object.assign(out, {
      'download.linkUtilisation': Number(stock.utilisation.toFixed(3)),
      'download.goodputKbit': Math.round(stock.goodputKbit),
      'download.curlGoodputKbit': Math.round(stock.curlKbit),
      'download.goodputRatioVsCurl': Number((stock.goodputKbit / stock.curlKbit).toFixed(2)),
    });
  }
  out['download.resumeRefetchedChunks'] = Number(Math.max(...[...byHub.values()].map((f) => f.refetchedChunks)).toFixed(2));
  return out;
}
