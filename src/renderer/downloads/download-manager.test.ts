// The download manager against a real HTTP server (Range) and IndexedDB (fake-indexeddb under Node), through the real
// hub client: verified chunks over several ranges, a corrupted chunk detected and re-fetched, resume from stored
// chunks and from the very byte a partial chunk stopped at, download hours and "download now", pausing for a live
// lesson while keeping what arrived, and a refusal by the hub handled once. Every wait is on a condition (the manager's
// reported status, the server's requests), never on time.
import 'fake-indexeddb/auto';
import { sha256 } from 'hash-wasm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startContentTestServer, type ContentTestServer } from '../../../tests/support/content-test-server.ts';
import { startCorruptingProxy } from '../../../tests/support/corrupting-proxy.ts';
import { openAppDb, type AppDb } from '../db/app-db.ts';
import { heldPrefixes, saveParts } from '../db/chunk-parts-repo.ts';
import { putVerifiedChunk, savePackListings, storedFileBlob } from '../db/content-repo.ts';
import { createHubClient, type HubRequestError } from '../sync/hub-client.ts';
import { createDownloadManager, type DownloadManager, type DownloadManagerDeps, type DownloadStatus } from './download-manager.ts';
import { storeHubPackList } from './hub-pack-gate.ts';

const CHUNK = 65_536;
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
const chunkOf = (i: number) => new Uint8Array(server.file.subarray(i * CHUNK, (i + 1) * CHUNK));
type Extra = Partial<DownloadManagerDeps> & { hubUrl?: string; onRefused?: (e: HubRequestError) => void };
const manager = (extra: Extra = {}) => {
  const { hubUrl = server.url, onRefused, ...rest } = extra;
  const reports: DownloadStatus[] = [];
  const hub = createHubClient({ baseUrl: hubUrl, token: 'device-token-0123456789', ...(onRefused ? { onRefused } : {}) });
  const keys = { get: () => server.packKey, learn: () => Promise.resolve() };
  const storePackList: DownloadManagerDeps['storePackList'] = (response) => storeHubPackList(db, response, keys);
  const m = createDownloadManager({ db, hub, now: () => new Date(), concurrency: { initial: 4, max: 4 }, storePackList, report: (s) => reports.push(s), ...rest });
  managers.push(m);
  return { m, reports };
};
const until = async (probe: () => boolean | Promise<boolean>, what: string, ms = 15_000) => {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
/** Resolves once the manager reports `phase` for the `n`th time. */
const reported = (reports: DownloadStatus[], phase: DownloadStatus['phase'], n = 1) =>
  until(() => reports.filter((r, i) => r.phase === phase && reports[i - 1]?.phase !== phase).length >= n, `phase ${phase} ×${n}`);
const complete = async () => (await db.contentFiles.get(fileSha()))?.state === 'complete';
const storedSha = async () => await sha(new Uint8Array(await ((await storedFileBlob(db, fileSha())) ?? new Blob()).arrayBuffer()));

describe('download manager', () => {
  it('downloads every byte once, verified, and the stored file hashes to the source', async () => {
    const { m } = manager();
    m.start();
    await until(complete, 'complete');
    expect(await storedSha()).toBe(await sha(server.file));
    // Ranges may span several chunks, and at the end a range may hand its back half to another connection: every
    // byte was still received once, and no chunk was asked for twice from its start.
    expect(m.status().counters.bytesReceived).toBe(server.file.length);
    expect(new Set(server.ranges).size).toBe(server.ranges.length);
    expect(await db.chunkParts.count()).toBe(0); // parts leave with the verified chunk
  });

  const progressOf = (reports: DownloadStatus[]) => new Set(reports.filter((r) => r.current?.sha256 === fileSha()).map((r) => r.current?.doneBytes));
  it('reports a file\'s progress a few times a second, not on every read (each report renders the page)', async () => {
    // A clock that stands still: the file's progress is reported once, however many reads its bytes took.
    const { m, reports } = manager({ clock: () => 1_000 });
    m.start();
    await until(complete, 'complete');
    expect(m.status().counters.bytesReceived).toBe(server.file.length);
    expect(progressOf(reports).size).toBe(1);
  });

  it('reports progress again once 200 ms have passed', async () => {
    let t = 0;
    const { m, reports } = manager({ clock: () => (t += 250) }); // every look at the clock is 250 ms later
    m.start();
    await until(complete, 'complete');
    expect(progressOf(reports).size).toBeGreaterThan(2);
  });

  it('detects a corrupted chunk, fetches it again and never stores the bad bytes', async () => {
    const proxy = await startCorruptingProxy(server.url);
    cleanups.push(() => proxy.close());
    proxy.corrupt(3 * CHUNK);
    const { m } = manager({ hubUrl: proxy.url });
    m.start();
    await until(complete, 'complete');
    expect(proxy.corrupted).toBe(1);
    expect(m.status().counters.corruptChunks).toBe(1);
    expect(proxy.rangeStarts.filter((s) => s === 3 * CHUNK)).toHaveLength(2);
    expect(await storedSha()).toBe(await sha(server.file));
  });

  it('resumes: fetches only the chunks not yet verified and stored', async () => {
    await savePackListings(db, [server.listing]);
    const stored = [0, 1, 2, 5, 9];
    for (const i of stored) await putVerifiedChunk(db, fileSha(), i, new Blob([chunkOf(i)]));
    manager().m.start();
    await until(complete, 'complete');
    const touched = new Set(
      server.rangeHeaders.flatMap((h) => {
        const [a = 0, b = 0] = h.slice(6).split('-').map(Number);
        return Array.from({ length: Math.floor(b / CHUNK) - Math.floor(a / CHUNK) + 1 }, (_, k) => Math.floor(a / CHUNK) + k);
      }),
    );
    const all = server.listing.manifest.files[0]?.chunks.map((_, i) => i) ?? [];
    expect([...touched].sort((a, b) => a - b)).toEqual(all.filter((i) => !stored.includes(i)));
    expect(await storedSha()).toBe(await sha(server.file));
  });

  it('resumes a partial chunk from the byte it stopped at, and verifies the chunk once whole', async () => {
    await savePackListings(db, [server.listing]);
    for (const i of [0, 1, 2]) await putVerifiedChunk(db, fileSha(), i, new Blob([chunkOf(i)]));
    const held = chunkOf(3).subarray(0, 40_000);
    await saveParts(db, [
      { sha256: fileSha(), index: 3, offset: 0, bytes: held.subarray(0, 25_000) },
      { sha256: fileSha(), index: 3, offset: 25_000, bytes: held.subarray(25_000) },
    ]);
    manager().m.start();
    await until(complete, 'complete');
    expect(server.ranges).toContain(3 * CHUNK + 40_000);
    expect(server.ranges).not.toContain(3 * CHUNK);
    expect(await storedSha()).toBe(await sha(server.file));
  });

  it('a saved partial chunk whose bytes are wrong is fetched again whole, never stored', async () => {
    await savePackListings(db, [server.listing]);
    const bad = chunkOf(2).slice(0, 30_000);
    bad[100] = (bad[100] ?? 0) ^ 0xff;
    await saveParts(db, [{ sha256: fileSha(), index: 2, offset: 0, bytes: bad }]);
    const { m } = manager();
    m.start();
    await until(complete, 'complete');
    expect(m.status().counters.corruptChunks).toBe(1);
    expect(server.ranges).toContain(2 * CHUNK);
    expect(await storedSha()).toBe(await sha(server.file));
  });

  it('waits outside download hours, fetching nothing even when woken, and starts at once on "download now"', async () => {
    const hour = new Date().getHours();
    const { m, reports } = manager({ hours: { start: ((hour + 2) % 24) * 60, end: ((hour + 3) % 24) * 60 } });
    m.start();
    await reported(reports, 'waiting-hours');
    m.refresh(); // a chance to act: it looks at the hours again, and still waits
    await until(() => reports.filter((r) => r.phase === 'waiting-hours').length >= 2, 'a second look at the hours');
    expect(server.ranges).toEqual([]);
    m.downloadNow();
    await until(complete, 'complete');
  });

  it('stands aside while a live lesson plays, keeping the bytes that arrived, and carries on after', async () => {
    let emit: (live: boolean) => void = () => undefined;
    server.holdAfter(2 * CHUNK, 20_000); // chunk 2 stalls after 20 000 bytes: the live lesson starts meanwhile
    const { m, reports } = manager({ liveEvents: { subscribe: (l) => ((emit = l), () => undefined) }, concurrency: { initial: 1, max: 1 } });
    m.start();
    await until(() => server.ranges.includes(2 * CHUNK) && m.status().counters.bytesReceived >= 2 * CHUNK + 20_000, 'chunk 2 half-way');
    emit(true);
    await reported(reports, 'paused-live');
    expect([...(await heldPrefixes(db, fileSha())).entries()].map(([i, b]) => [i, b.length])).toEqual([[2, 20_000]]);
    const during = server.ranges.length;
    m.refresh(); // a chance to act during the lesson: it looks, and still stands aside
    await reported(reports, 'paused-live', 1);
    await until(() => reports.filter((r) => r.phase === 'paused-live').length >= 2, 'a second look during the lesson');
    expect(server.ranges.length).toBe(during);
    emit(false);
    await until(complete, 'complete');
    expect(server.ranges).toContain(2 * CHUNK + 20_000); // resumed where the pause left it
    expect(await storedSha()).toBe(await sha(server.file));
  });

  it('a revoked device: the hub client reports it once, downloads stop, nothing is retried', async () => {
    server.refuse(403, 'device_revoked');
    const refusals: HubRequestError[] = [];
    const { m, reports } = manager({ onRefused: (e) => refusals.push(e) });
    m.start();
    await reported(reports, 'stopped');
    expect(refusals.map((e) => e.reason)).toEqual(['device_revoked']);
    expect(server.ranges).toEqual([]);
    expect(m.status().lastError).toContain('device_revoked');
  });
});
