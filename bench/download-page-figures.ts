// In-page figures of the download bench that need no network: IndexedDB chunk writes against one raw Blob put, and
// a cached recording from IndexedDB to its first decoded frame. Run in the enrolled app's page (?test-hooks).
import type { Page } from 'playwright-core';

/** 8 MB as 32 chunk rows through Dexie (one transaction each, as the downloader writes) vs one raw IndexedDB put. */
export async function idbChunkWrites(page: Page): Promise<Record<string, number>> {
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
  return { 'idb.writeRatioVsRawBlob': Number((idb.dexieMs / idb.rawMs).toFixed(2)), 'idb.dexieChunkWritesMs8MB': Math.round(idb.dexieMs) };
}

/** The cached recording: chunk Blobs from IndexedDB → one object URL → first decoded frame. */
export function cachedPlayToFirstFrameMs(page: Page): Promise<number> {
  return page.evaluate(async () => {
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
}
