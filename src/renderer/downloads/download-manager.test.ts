// The download manager against a real HTTP server (Range) and IndexedDB (fake-indexeddb under Node): parallel verified
// chunks, a corrupted chunk detected and re-fetched, resume fetching only what is missing, download hours and the
// "download now" override, pausing for a live lesson.
import 'fake-indexeddb/auto';
import { sha256 } from 'hash-wasm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startContentTestServer, type ContentTestServer } from '../../../tests/support/content-test-server.ts';
import { startCorruptingProxy } from '../../../tests/support/corrupting-proxy.ts';
import { openAppDb, type AppDb } from '../db/app-db.ts';
import { putVerifiedChunk, savePackListings, storedFileBlob } from '../db/content-repo.ts';
import { createDownloadManager, type DownloadManager, type DownloadManagerDeps } from './download-manager.ts';
import { storeHubPackList } from './hub-pack-gate.ts';

let server: ContentTestServer;
let db: AppDb;
const managers: DownloadManager[] = [];
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  server = await startContentTestServer();
  db = openAppDb(`dl-test-${crypto.randomUUID()}`);
});
afterEach(async () => {
  managers.splice(0).forEach((m) => m.stop());
  for (const c of cleanups.splice(0)) await c();
  await server.close();
  await db.delete();
});

const sha = (b: Uint8Array) => sha256(b);
const fileSha = () => server.listing.manifest.files[0]?.sha256 ?? '';
const manager = (extra: Partial<DownloadManagerDeps> = {}) => {
  const keys = { get: () => server.packKey, learn: () => Promise.resolve() };
  const storePackList: DownloadManagerDeps['storePackList'] = (response) => storeHubPackList(db, response, keys);
  const m = createDownloadManager({ db, hubUrl: server.url, token: 'device-token-0123456789', fetch, now: () => new Date(), concurrency: 4, storePackList, ...extra });
  managers.push(m);
  return m;
};
const until = async (probe: () => Promise<boolean>, ms = 15_000) => {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};
const complete = async () => (await db.contentFiles.get(fileSha()))?.state === 'complete';
const storedSha = async () => await sha(new Uint8Array(await ((await storedFileBlob(db, fileSha())) ?? new Blob()).arrayBuffer()));

describe('download manager', () => {
  it('downloads every chunk once, verified, and the stored file hashes to the source', async () => {
    manager().start();
    await until(complete);
    expect(await storedSha()).toBe(await sha(server.file));
    expect([...server.ranges].sort((a, b) => a - b)).toEqual(server.listing.manifest.files[0]?.chunks.map((_, i) => i * 65_536));
  });

  it('detects a corrupted chunk, fetches it again and never stores the bad bytes', async () => {
    const proxy = await startCorruptingProxy(server.url);
    cleanups.push(() => proxy.close());
    proxy.corrupt(3 * 65_536);
    const m = manager({ hubUrl: proxy.url });
    m.start();
    await until(complete);
    expect(proxy.corrupted).toBe(1);
    expect(m.status().counters.corruptChunks).toBe(1);
    expect(proxy.rangeStarts.filter((s) => s === 3 * 65_536)).toHaveLength(2);
    expect(await storedSha()).toBe(await sha(server.file));
  });

  it('resumes: fetches only the chunks not yet verified and stored', async () => {
    await savePackListings(db, [server.listing]);
    const stored = [0, 1, 2, 5, 9];
    for (const i of stored) await putVerifiedChunk(db, fileSha(), i, new Blob([new Uint8Array(server.file.subarray(i * 65_536, (i + 1) * 65_536))]));
    manager().start();
    await until(complete);
    const all = server.listing.manifest.files[0]?.chunks.map((_, i) => i) ?? [];
    expect(server.ranges.map((s) => s / 65_536).sort((a, b) => a - b)).toEqual(all.filter((i) => !stored.includes(i)));
    expect(await storedSha()).toBe(await sha(server.file));
  });

  it('waits outside download hours and starts at once on "download now"', async () => {
    const hour = new Date().getHours();
    const m = manager({ hours: { start: ((hour + 2) % 24) * 60, end: ((hour + 3) % 24) * 60 } });
    m.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(server.ranges).toEqual([]);
    expect(m.status().phase).toBe('waiting-hours');
    m.downloadNow();
    await until(complete);
  });

  it('stands aside while a live lesson plays and carries on after', async () => {
    let emit: (live: boolean) => void = () => undefined;
    const m = manager({ liveEvents: { subscribe: (l) => ((emit = l), () => undefined) }, maxBytesPerSecond: 200_000 });
    m.start();
    await until(() => Promise.resolve(server.ranges.length >= 2));
    emit(true);
    await new Promise((r) => setTimeout(r, 100));
    const during = server.ranges.length;
    await new Promise((r) => setTimeout(r, 600));
    expect(server.ranges.length).toBe(during);
    expect(m.status().phase).toBe('paused-live');
    emit(false);
    await until(complete);
    expect(await storedSha()).toBe(await sha(server.file));
  });
});
