// What the edge keeps and fetches ahead: the files of packs on the school's lessons in the next days (asked of the
// county every 10 minutes). They are pinned against eviction and, inside the edge's download hours (HUB_EDGE_HOURS,
// night by default), fetched before any classroom asks, one file at a time, next lessons first. Outside those hours
// the edge fetches only what a classroom asks for (the classroom's own download hours decide when that is).
import { EdgePaths, EdgePinnedResponse, type EdgeFile } from '../../../../src/shared/edge-protocol.ts';
import { inDownloadHours, type DownloadHours } from '../../../../src/shared/download-hours.ts';
import type { BlobCache } from './blob-cache.ts';
import type { createBlobFetcher } from './blob-fetcher.ts';
import type { Upstream } from './upstream.ts';

export type PrefetchDeps = {
  upstream: Upstream;
  cache: BlobCache;
  fetcher: ReturnType<typeof createBlobFetcher>;
  /** null: any time; false: never (only what classrooms ask for). */
  hours: DownloadHours | null | false;
  now: () => Date;
  log: { warn(message: string): void };
};

export function createPrefetcher(deps: PrefetchDeps) {
  let files: EdgeFile[] = [];
  let running: Promise<void> | null = null;

  async function prefetch() {
    for (const file of files) {
      if (deps.hours === false || !inDownloadHours(deps.now(), deps.hours)) return;
      if (deps.cache.has(file.sha256)) continue;
      // A failure is logged by the fetcher and kept for resume; the next file still gets its turn.
      await deps.fetcher.fetchBlob(file).done.catch(() => undefined);
    }
  }

  return {
    /** New pinned list from the county, then a prefetch pass if within hours (one pass at a time). */
    async refresh() {
      try {
        files = (await deps.upstream.json(EdgePinnedResponse, EdgePaths.pinned)).files;
        deps.cache.setPinned(files.map((f) => f.sha256));
      } catch (error) {
        deps.log.warn(`edge: pinned list not refreshed: ${String(error)}`);
      }
      running ??= prefetch().finally(() => (running = null));
      await running;
    },
    pinned: () => files.length,
  };
}
