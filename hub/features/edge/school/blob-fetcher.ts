// Fetches one blob from the county hub once, however many classrooms ask for it at the same time: chunk by chunk with
// Range (several in flight, as the classroom does on a lossy link), each chunk checked against the signed manifest's
// hash before it is written, the whole file checked before it counts. A partial file survives a restart and is
// resumed from its first chunk that does not verify. Classrooms are served a range as soon as the chunks under it are in.
import { createHash } from 'node:crypto';
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { ContentFile } from '../../../../src/shared/content-protocol.ts';
import type { BlobCache } from './blob-cache.ts';

export type FileSpec = Pick<ContentFile, 'sha256' | 'size' | 'chunkSize' | 'chunks'>;
/** One Range request to the county hub for [start, end] (inclusive); resolves with exactly those bytes. */
export type FetchRange = (sha256: string, start: number, end: number) => Promise<Uint8Array>;

export type BlobFetch = {
  /** Resolves once bytes [0, end) are on disk (in the partial file or the committed blob). */
  waitFor(end: number): Promise<void>;
  done: Promise<void>;
};

const IN_FLIGHT = 4;
const ATTEMPTS_PER_CHUNK = 3;
const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function createBlobFetcher(cache: BlobCache, fetchRange: FetchRange, log: { warn(message: string): void }) {
  const running = new Map<string, BlobFetch>();

  function fetchBlob(spec: FileSpec): BlobFetch {
    const existing = running.get(spec.sha256);
    if (existing) return existing;
    let prefix = 0;
    let failure: Error | undefined;
    const waiters: { end: number; resolve: () => void; reject: (e: Error) => void }[] = [];
    const settle = () => {
      for (const w of waiters.splice(0)) {
        if (failure) w.reject(failure);
        else if (prefix >= w.end) w.resolve();
        else waiters.push(w);
      }
    };
    const done = run(spec, (bytes) => {
      prefix = bytes;
      settle();
    }).then(
      () => {
        prefix = spec.size;
        running.delete(spec.sha256);
        settle();
      },
      (error: unknown) => {
        failure = error instanceof Error ? error : new Error(String(error));
        running.delete(spec.sha256);
        settle();
        throw failure;
      },
    );
    done.catch((error: unknown) => log.warn(`edge: fetching ${spec.sha256} failed (kept for resume): ${String(error)}`));
    const fetch: BlobFetch = {
      done,
      waitFor: (end) =>
        new Promise<void>((resolve, reject) => {
          if (failure) reject(failure);
          else if (prefix >= end) resolve();
          else waiters.push({ end, resolve, reject });
        }),
    };
    running.set(spec.sha256, fetch);
    return fetch;
  }

  async function run(spec: FileSpec, progress: (prefixBytes: number) => void) {
    await cache.makeRoom(spec.size);
    const path = cache.partialPathOf(spec.sha256);
    const exists = await stat(path).then(() => true, () => false);
    const file = await open(path, exists ? 'r+' : 'w+');
    try {
      let next = await verifiedPrefix(file, spec);
      await file.truncate(Math.min(next * spec.chunkSize, spec.size));
      progress(Math.min(next * spec.chunkSize, spec.size));
      const finished = new Set<number>();
      let contiguous = next;
      let failed = false;
      const worker = async () => {
        while (!failed && next < spec.chunks.length) {
          const index = next++;
          try {
            const bytes = await fetchChunk(spec, index);
            if (failed) return; // the file may be closed already; this chunk is fetched again on the next try
            await file.write(bytes, 0, undefined, index * spec.chunkSize);
          } catch (error) {
            failed = true;
            throw error;
          }
          finished.add(index);
          while (finished.has(contiguous)) contiguous++;
          progress(Math.min(contiguous * spec.chunkSize, spec.size));
        }
      };
      // allSettled: no worker may still write after the file is closed below.
      const results = await Promise.allSettled(Array.from({ length: IN_FLIGHT }, worker));
      const rejected = results.find((r) => r.status === 'rejected');
      if (rejected) throw rejected.reason;
      await file.sync();
      const whole = await hashWhole(file);
      if (whole !== spec.sha256) {
        await file.truncate(0);
        throw new Error(`whole-file hash mismatch for ${spec.sha256}`);
      }
    } finally {
      await file.close();
    }
    await cache.commit(spec.sha256, spec.size);
  }

  async function fetchChunk(spec: FileSpec, index: number): Promise<Uint8Array> {
    const start = index * spec.chunkSize;
    const end = Math.min(start + spec.chunkSize, spec.size) - 1;
    let lastError: unknown;
    for (let attempt = 0; attempt < ATTEMPTS_PER_CHUNK; attempt++) {
      try {
        const bytes = await fetchRange(spec.sha256, start, end);
        if (sha256Of(bytes) === spec.chunks[index]) return bytes;
        lastError = new Error(`chunk ${index} of ${spec.sha256} does not match its hash`);
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError instanceof Error ? lastError : new Error(String(lastError));
  }

  return { fetchBlob, running: () => running.size };
}

/** How many leading chunks of a partial file already match the manifest (a resume starts after them). */
async function verifiedPrefix(file: FileHandle, spec: FileSpec): Promise<number> {
  const { size } = await file.stat();
  let index = 0;
  while (index < spec.chunks.length) {
    const start = index * spec.chunkSize;
    const length = Math.min(spec.chunkSize, spec.size - start);
    if (start + length > size) break;
    const buffer = new Uint8Array(length);
    await file.read(buffer, 0, length, start);
    if (sha256Of(buffer) !== spec.chunks[index]) break;
    index++;
  }
  return index;
}

async function hashWhole(file: FileHandle): Promise<string> {
  const hash = createHash('sha256');
  const buffer = new Uint8Array(1024 * 1024);
  let position = 0;
  for (;;) {
    const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  return hash.digest('hex');
}
