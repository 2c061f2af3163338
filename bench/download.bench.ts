// Download figures over the brief's lossy village link (2 Mbit/s, 300 ms RTT, 3 % loss), side by side in one run:
// - download.linkUtilisation: our downloader's goodput in Chromium (first to last chunk, Resource Timing) / link rate;
// - download.goodputRatioVsCurl: that goodput / curl fetching the same file in one stream over the same link;
// - download.resumeRefetchedChunks: range requests beyond one per chunk after the browser is closed mid-download;
// - idb.writeRatioVsRawBlob: 8 MB as 32 chunk rows through Dexie vs one raw IndexedDB Blob put, same browser;
// - cache.playToFirstFrameMs: cached recording from IndexedDB → object URL → first decoded frame.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openDatabase } from '../hub/db/open-database.ts';
import { ingestFolder } from '../hub/content/ingest.ts';
import { loadOrCreatePackSigner } from '../hub/content/pack-signing.ts';
import { startWeakContent } from '../tests/support/weak-content.ts';
import { waitFor } from '../tests/support/ports.ts';
import { enrollInPage } from '../tests/support/enroll-page.ts';

const RATE_KBIT = 2000;
const BIG_BYTES = Number(process.env.BENCH_DOWNLOAD_BYTES ?? 3_000_000);
/** Chunk size of the benchmark file (the demo files keep the default 256 KiB). */
const CHUNK_BYTES = process.env.BENCH_CHUNK_BYTES ? Number(process.env.BENCH_CHUNK_BYTES) : undefined;

async function enroll(page: Page, url: string) {
  await page.goto(url);
  await enrollInPage(page, 'DEMO-LT-1');
}

/** Files complete / total, and total bytes, from the app's IndexedDB. */
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

export async function run(): Promise<Record<string, number>> {
  const env = await startWeakContent({ rateKbit: RATE_KBIT, rttMs: 300, lossPct: 3 }, async (dataDir) => {
    const folder = join(dataDir, 'bench-src');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'long-lesson.mp4.bin'), randomBytes(BIG_BYTES)); // random: no compression anywhere helps
    const db = openDatabase(join(dataDir, 'hub.sqlite'));
    await ingestFolder(db, folder, { contentDir: join(dataDir, 'content'), signer: loadOrCreatePackSigner(dataDir).signer, now: new Date(), packId: 'pack-bench', kind: 'preview', lessonIds: ['les-p5-0-1'], ...(CHUNK_BYTES ? { chunkSize: CHUNK_BYTES } : {}) });
    db.close();
  });
  const profiles: string[] = [];
  const profile = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ykt-bench-profile-'));
    profiles.push(dir);
    return env.openProfile(dir);
  };
  try {
    const url = `${env.rendererUrl}&test-hooks`;
    // 1. Our downloader, whole timetable's content, timed from the first chunk request to the last chunk's end.
    const a = await profile();
    const page = a.pages()[0] ?? (await a.newPage());
    await enroll(page, url);
    await waitFor(async () => {
      const p = await progress(page);
      return p.total >= 4 && p.complete === p.total ? true : undefined;
    }, 'all content downloaded', 180_000, 250);
    const { bytes, files } = await progress(page);
    const span = await page.evaluate(() => {
      const entries = performance.getEntriesByType('resource').filter((e) => e.name.includes('/v1/content/blobs/')) as PerformanceResourceTiming[];
      return { start: Math.min(...entries.map((e) => e.startTime)), end: Math.max(...entries.map((e) => e.responseEnd)) };
    });
    const oursBps = (bytes * 8) / ((span.end - span.start) / 1000);
    console.error(`download: ${bytes} bytes in ${Math.round(span.end - span.start)} ms`);

    // 2. The same big file with curl, one stream, over the same link.
    const enrolled = await env.link.execInClient('curl', ['-sf', '-H', 'content-type: application/json', '-d', '{"code":"DEMO-LT-1","deviceName":"curl"}', `${env.hub.url}/v1/enroll`]);
    const token = (JSON.parse(enrolled.stdout) as { device: { token: string } }).device.token;
    const big = files.find((f) => f.size === BIG_BYTES);
    if (!big) throw new Error('bench file not downloaded');
    const curl = await env.link.execInClient(
      'curl',
      ['-sf', '-o', '/dev/null', '-w', '%{size_download} %{time_starttransfer} %{time_total}', '-H', `authorization: Bearer ${token}`, `${env.hub.url}/v1/content/blobs/${big.sha256}`],
      { timeoutMs: 300_000 },
    );
    const [size = 0, , total = 1] = curl.stdout.trim().split(' ').map(Number);
    const curlBps = (size * 8) / total;
    console.error(`download: curl ${size} bytes in ${total} s`);

    // 3. IndexedDB writes: Dexie chunk rows vs one raw Blob, and cached play to first frame.
    const idb = await page.evaluate(async () => {
      type Hooks = { db: { table(n: string): { bulkPut(rows: unknown[]): Promise<unknown>; where(k: string): { equals(v: string): { delete(): Promise<number> } } }; transaction(mode: string, t: string, fn: () => Promise<void>): Promise<void> } };
      const { db } = (window as unknown as { yktTest: Hooks }).yktTest;
      // (no named local functions in here: the bundler's __name helper does not exist in the page)
      const rows = Array.from({ length: 32 }, (_, index) => ({ sha256: 'bench', index, data: new Blob([crypto.getRandomValues(new Uint8Array(65_536)).buffer, new Uint8Array(196_608)]) }));
      let t = performance.now();
      for (const row of rows) await db.transaction('rw', 'contentChunks', async () => void (await db.table('contentChunks').bulkPut([row])));
      const dexieMs = performance.now() - t;
      await db.table('contentChunks').where('sha256').equals('bench').delete();
      const raw = await new Promise<IDBDatabase>((r) => {
        const req = indexedDB.open('bench-raw', 1);
        req.onupgradeneeded = () => req.result.createObjectStore('blobs');
        req.onsuccess = () => r(req.result);
      });
      const one = new Blob(rows.map((r) => r.data));
      t = performance.now();
      await new Promise((r) => {
        const tx = raw.transaction('blobs', 'readwrite');
        tx.objectStore('blobs').put(one, 'one');
        tx.oncomplete = r;
      });
      const rawMs = performance.now() - t;
      raw.close();
      indexedDB.deleteDatabase('bench-raw');
      return { dexieMs, rawMs };
    });
    const firstFrameMs = await page.evaluate(async () => {
      const t0 = performance.now();
      const db = await new Promise<IDBDatabase>((r) => (indexedDB.open('ykt-classroom').onsuccess = (e) => r((e.target as IDBOpenDBRequest).result)));
      const files = await new Promise<{ sha256: string; mime: string }[]>((r) => (db.transaction('contentFiles').objectStore('contentFiles').getAll().onsuccess = (e) => r((e.target as IDBRequest<{ sha256: string; mime: string }[]>).result)));
      const video = files.find((f) => f.mime === 'video/mp4');
      const rows = await new Promise<{ index: number; data: Blob }[]>((r) => (db.transaction('contentChunks').objectStore('contentChunks').index('sha256').getAll(video?.sha256 ?? '').onsuccess = (e) => r((e.target as IDBRequest<{ index: number; data: Blob }[]>).result)));
      rows.sort((x, y) => x.index - y.index);
      const el = document.createElement('video');
      el.muted = true;
      el.src = URL.createObjectURL(new Blob(rows.map((r) => r.data), { type: 'video/mp4' }));
      document.body.append(el);
      const frame = new Promise<void>((r) => el.requestVideoFrameCallback(() => r()));
      await el.play();
      await frame;
      return performance.now() - t0;
    });
    await a.close();

    // 4. Resume: a fresh profile, closed once two chunks of the big file are stored, then reopened to completion.
    const before = (await env.stats()).rangeRequests;
    let b = await profile();
    let resumePage = b.pages()[0] ?? (await b.newPage());
    await enroll(resumePage, url);
    await waitFor(async () => ((await progress(resumePage)).chunks >= 4 ? true : undefined), 'a few chunks stored', 120_000, 100);
    await b.close();
    b = await env.openProfile(profiles.at(-1) ?? '');
    resumePage = b.pages()[0] ?? (await b.newPage());
    await resumePage.goto(url);
    await waitFor(async () => {
      const p = await progress(resumePage);
      return p.total >= 4 && p.complete === p.total ? true : undefined;
    }, 'resumed download complete', 180_000, 250);
    const chunks = (await progress(resumePage)).chunks;
    const refetched = (await env.stats()).rangeRequests - before - chunks;
    await b.close();

    return {
      'download.linkUtilisation': Number((oursBps / (RATE_KBIT * 1000)).toFixed(3)),
      'download.goodputKbit': Math.round(oursBps / 1000),
      'download.curlGoodputKbit': Math.round(curlBps / 1000),
      'download.goodputRatioVsCurl': Number((oursBps / curlBps).toFixed(2)),
      'download.resumeRefetchedChunks': refetched,
      'idb.writeRatioVsRawBlob': Number((idb.dexieMs / idb.rawMs).toFixed(2)),
      'idb.dexieChunkWritesMs8MB': Math.round(idb.dexieMs),
      'cache.playToFirstFrameMs': Math.round(firstFrameMs),
    };
  } finally {
    await env.close();
    for (const dir of profiles) await rm(dir, { recursive: true, force: true });
  }
}
