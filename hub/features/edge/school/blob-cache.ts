// The edge's content store on disk: complete blobs under <dir>/blobs/ab/<sha256> (written once, renamed into place),
// partial ones under <dir>/partial/<sha256>.part (resumed after a restart). Least recently used blobs are evicted to
// stay under the cap — never the pinned ones (packs of the school's lessons in the next days) or one being served.
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { rename, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';

type Entry = { size: number; lastUsed: number };

export type BlobCache = ReturnType<typeof openBlobCache>;

export function openBlobCache(dir: string, capBytes: number, now: () => number = Date.now) {
  const blobsDir = join(dir, 'blobs');
  const partialDir = join(dir, 'partial');
  mkdirSync(blobsDir, { recursive: true });
  mkdirSync(partialDir, { recursive: true });
  const entries = new Map<string, Entry>();
  const inUse = new Map<string, number>();
  let pinned = new Set<string>();
  // The index is the disk: a restart keeps every complete blob, with its last use from the file's mtime.
  for (const prefix of readdirSync(blobsDir)) {
    for (const name of readdirSync(join(blobsDir, prefix))) {
      if (!/^[0-9a-f]{64}$/.test(name)) continue;
      const info = statSync(join(blobsDir, prefix, name));
      entries.set(name, { size: info.size, lastUsed: info.mtimeMs });
    }
  }
  const pathOf = (sha256: string) => join(blobsDir, sha256.slice(0, 2), sha256);
  const usedBytes = () => [...entries.values()].reduce((sum, e) => sum + e.size, 0);

  /** Evicts least recently used, unpinned, idle blobs until `incoming` more bytes fit; false if they cannot. */
  async function makeRoom(incoming: number): Promise<boolean> {
    let used = usedBytes();
    const candidates = [...entries]
      .filter(([sha]) => !pinned.has(sha) && !inUse.has(sha))
      .sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [sha, entry] of candidates) {
      if (used + incoming <= capBytes) break;
      entries.delete(sha);
      await rm(pathOf(sha), { force: true });
      used -= entry.size;
    }
    return used + incoming <= capBytes;
  }

  return {
    pathOf,
    partialPathOf: (sha256: string) => join(partialDir, `${sha256}.part`),
    has: (sha256: string) => entries.has(sha256),
    /** Marks a use (LRU order survives restarts through the file's mtime). */
    touch(sha256: string) {
      const entry = entries.get(sha256);
      if (!entry) return;
      entry.lastUsed = now();
      const at = new Date(entry.lastUsed);
      utimes(pathOf(sha256), at, at).catch(() => undefined); // order hint only; the blob itself is unaffected
    },
    /** Holds a blob against eviction while a response streams it. */
    hold(sha256: string): () => void {
      inUse.set(sha256, (inUse.get(sha256) ?? 0) + 1);
      return () => {
        const left = (inUse.get(sha256) ?? 1) - 1;
        if (left <= 0) inUse.delete(sha256);
        else inUse.set(sha256, left);
      };
    },
    makeRoom,
    /** Moves a verified partial file into place. */
    async commit(sha256: string, size: number) {
      mkdirSync(join(blobsDir, sha256.slice(0, 2)), { recursive: true });
      await rename(join(partialDir, `${sha256}.part`), pathOf(sha256));
      entries.set(sha256, { size, lastUsed: now() });
    },
    setPinned(shas: Iterable<string>) {
      pinned = new Set(shas);
    },
    usage: () => ({ usedBytes: usedBytes(), capBytes, blobs: entries.size, pinnedBlobs: [...entries.keys()].filter((s) => pinned.has(s)).length }),
  };
}
