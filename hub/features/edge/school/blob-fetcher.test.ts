// The edge's fetcher and disk cache on a real temp folder, with the county's Range answers given by a function (so a
// test can corrupt a chunk or cut the link): chunks verified before they are written, a partial file resumed from its
// first bad chunk after a "restart", concurrent requests coalesced, LRU eviction that keeps pinned and held blobs.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openBlobCache } from './blob-cache.ts';
import { createBlobFetcher, type FetchRange, type FileSpec } from './blob-fetcher.ts';

const CHUNK = 16 * 1024;
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-cache-'));
  dirs.push(dir);
  return dir;
};
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
function blob(size: number): { bytes: Buffer; spec: FileSpec } {
  const bytes = randomBytes(size);
  const chunks = Array.from({ length: Math.ceil(size / CHUNK) }, (_, i) => sha(bytes.subarray(i * CHUNK, (i + 1) * CHUNK)));
  return { bytes, spec: { sha256: sha(bytes), size, chunkSize: CHUNK, chunks } };
}
const quiet = { warn: () => undefined };
/** The county's answers, counting every byte that "crossed the uplink". */
function county(bytes: Buffer, tamper: (start: number, data: Buffer) => Buffer = (_, d) => d) {
  const sent = { bytes: 0, requests: 0 };
  const fetchRange: FetchRange = async (_sha, start, end) => {
    sent.requests++;
    const data = tamper(start, Buffer.from(bytes.subarray(start, end + 1)));
    sent.bytes += data.length;
    return new Uint8Array(data);
  };
  return { sent, fetchRange };
}

describe('edge blob fetcher', () => {
  it('fetches once for concurrent requests and commits only a verified file', async () => {
    const { bytes, spec } = blob(5 * CHUNK + 100);
    const cache = openBlobCache(tempDir(), 10 * 1024 * 1024);
    const upstream = county(bytes);
    const fetcher = createBlobFetcher(cache, upstream.fetchRange, quiet);
    const a = fetcher.fetchBlob(spec);
    const b = fetcher.fetchBlob(spec);
    expect(b).toBe(a);
    await Promise.all([a.waitFor(CHUNK), b.waitFor(spec.size), a.done]);
    expect(upstream.sent.bytes).toBe(spec.size);
    expect(cache.has(spec.sha256)).toBe(true);
    expect(sha(readFileSync(cache.pathOf(spec.sha256)))).toBe(spec.sha256);
  });

  it('refetches a chunk that does not match its hash, and never writes the bad bytes', async () => {
    const { bytes, spec } = blob(3 * CHUNK);
    const cache = openBlobCache(tempDir(), 10 * 1024 * 1024);
    let corrupted = 0;
    const upstream = county(bytes, (start, data) => {
      if (start !== CHUNK || corrupted++ > 0) return data;
      const bad = Buffer.from(data);
      bad[10] = (bad[10] ?? 0) ^ 0xff;
      return bad;
    });
    await createBlobFetcher(cache, upstream.fetchRange, quiet).fetchBlob(spec).done;
    expect(corrupted).toBe(2);
    expect(readFileSync(cache.pathOf(spec.sha256)).equals(bytes)).toBe(true);
  });

  it('resumes a partial file after a restart from its first chunk that does not verify', async () => {
    const { bytes, spec } = blob(6 * CHUNK);
    const dir = tempDir();
    const first = openBlobCache(dir, 10 * 1024 * 1024);
    // What a power cut leaves: two good chunks, then half a chunk of garbage.
    writeFileSync(first.partialPathOf(spec.sha256), Buffer.concat([bytes.subarray(0, 2 * CHUNK), randomBytes(CHUNK / 2)]));
    const restarted = openBlobCache(dir, 10 * 1024 * 1024);
    const upstream = county(bytes);
    await createBlobFetcher(restarted, upstream.fetchRange, quiet).fetchBlob(spec).done;
    expect(upstream.sent.bytes).toBe(4 * CHUNK);
    expect(readFileSync(restarted.pathOf(spec.sha256)).equals(bytes)).toBe(true);
    expect(existsSync(restarted.partialPathOf(spec.sha256))).toBe(false);
  });

  it('fails the waiters by name when the county cannot be reached, keeping the partial file for the next try', async () => {
    const { bytes, spec } = blob(4 * CHUNK);
    const cache = openBlobCache(tempDir(), 10 * 1024 * 1024);
    const fetcher = createBlobFetcher(cache, async (_s, start, end) => {
      if (start >= 2 * CHUNK) throw new Error('county hub unreachable');
      return new Uint8Array(bytes.subarray(start, end + 1));
    }, quiet);
    const fetch = fetcher.fetchBlob(spec);
    await expect(fetch.waitFor(spec.size)).rejects.toThrow(/unreachable/);
    await expect(fetch.done).rejects.toThrow(/unreachable/);
    expect(cache.has(spec.sha256)).toBe(false);
    expect(readFileSync(cache.partialPathOf(spec.sha256)).subarray(0, 2 * CHUNK).equals(bytes.subarray(0, 2 * CHUNK))).toBe(true);
    const retry = county(bytes);
    await createBlobFetcher(cache, retry.fetchRange, quiet).fetchBlob(spec).done;
    expect(retry.sent.bytes).toBe(2 * CHUNK);
  });
});

describe('edge blob cache eviction', () => {
  it('evicts least recently used first, never pinned or held blobs, and says when room cannot be made', async () => {
    let clock = 1_000;
    const dir = tempDir();
    const cache = openBlobCache(dir, 3 * CHUNK, () => clock);
    const blobs = [blob(CHUNK), blob(CHUNK), blob(CHUNK)];
    for (const { bytes, spec } of blobs) {
      clock += 10;
      writeFileSync(cache.partialPathOf(spec.sha256), bytes);
      await cache.commit(spec.sha256, spec.size);
    }
    const [oldest, middle, newest] = blobs.map((b) => b.spec.sha256) as [string, string, string];
    clock += 10;
    cache.touch(oldest); // oldest is now the most recently used
    cache.setPinned([middle]);
    expect(await cache.makeRoom(CHUNK)).toBe(true);
    expect([cache.has(oldest), cache.has(middle), cache.has(newest)]).toEqual([true, true, false]);
    const release = cache.hold(oldest);
    expect(await cache.makeRoom(2 * CHUNK)).toBe(false);
    expect([cache.has(oldest), cache.has(middle)]).toEqual([true, true]);
    release();
    expect(await cache.makeRoom(2 * CHUNK)).toBe(true);
    expect(cache.has(oldest)).toBe(false);
    expect(openBlobCache(dir, 3 * CHUNK).usage()).toMatchObject({ blobs: 1, usedBytes: CHUNK });
  });
});
