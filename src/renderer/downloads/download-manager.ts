// The download manager: fetches what the timetable needs, next lessons first, as verified chunks with several Range
// requests in flight (one TCP stream cannot fill a long lossy link). Only verified chunks are stored, so after a network
// loss, a crash or a power cut it resumes from exactly what is good. It retries with backoff, keeps to a bandwidth cap
// and to download hours (unless told "download now"), and stands aside while a live lesson plays.
import { createSHA256 } from 'hash-wasm';
import { ContentPaths, PacksResponse } from '../../shared/content-protocol.ts';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../shared/protocol.ts';
import type { AppDb } from '../db/app-db.ts';
import type { ContentFileRow } from '../db/content-rows.ts';
import { evictionCandidates, evictPacks, putVerifiedChunk, resetFile, setFileState, storedChunkIndexes } from '../db/content-repo.ts';
import { ChunkError, fetchVerifiedChunk, type HubAccess } from './chunk-fetch.ts';
import { backoffMs, inDownloadHours, priorityOrder, type DownloadHours } from './download-policy.ts';
import { planEviction } from './eviction-policy.ts';
import { abortableSleep, createTokenBucket } from './token-bucket.ts';

/** Live lessons announce themselves here (wired to live/ when it exists); while live, downloads pause. */
export type LiveEvents = { subscribe(listener: (live: boolean) => void): () => void };

export type FileProgress = { sha256: string; doneBytes: number; totalBytes: number; bytesPerSecond: number; secondsLeft: number | null };
export type DownloadStatus = {
  phase: 'idle' | 'downloading' | 'waiting-hours' | 'paused-live' | 'offline' | 'stopped';
  current: FileProgress | null;
  counters: { chunksFetched: number; corruptChunks: number; retries: number };
  lastError: string | null;
};

export type DownloadManagerDeps = HubAccess & {
  db: AppDb;
  /** Checks the hub's pack list (signatures, hub-pack-gate.ts) and stores what passes; returns a problem to show. */
  storePackList: (response: PacksResponse) => Promise<string | null>;
  now: () => Date;
  concurrency?: number;
  maxBytesPerSecond?: number | null;
  hours?: DownloadHours | null;
  liveEvents?: LiveEvents;
  refreshEveryMs?: number;
  maxAttempts?: number;
  report?: (status: DownloadStatus) => void;
};

/** A full disk is the one storage error a teacher can act on: say so plainly (the UI maps it to zh-CN). */
export function quotaAware(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  const inner = (error as { inner?: { name?: string } } | null)?.inner?.name;
  if (name === 'QuotaExceededError' || inner === 'QuotaExceededError') return 'quota_exceeded';
  return error instanceof Error ? error.message : String(error);
}

export function createDownloadManager(deps: DownloadManagerDeps) {
  const { db, now } = deps;
  const concurrency = deps.concurrency ?? 6;
  const bucket = createTokenBucket(deps.maxBytesPerSecond ?? null);
  let hours = deps.hours ?? null;
  let override = false;
  let live = false;
  let running = false;
  let stopped = false;
  let inFlight: AbortController | null = null;
  let listProblem: string | null = null;
  let wakeUp: (() => void) | null = null;
  const status: DownloadStatus = { phase: 'idle', current: null, counters: { chunksFetched: 0, corruptChunks: 0, retries: 0 }, lastError: null };
  const report = (patch: Partial<DownloadStatus>) => {
    Object.assign(status, patch);
    deps.report?.({ ...status, counters: { ...status.counters } });
  };

  const allowed = () => !stopped && !live && (override || inDownloadHours(now(), hours));
  const interrupt = () => inFlight?.abort(new DOMException('paused', 'AbortError'));
  const wake = () => wakeUp?.();
  const unsubscribeLive = deps.liveEvents?.subscribe((isLive) => {
    live = isLive;
    if (isLive) interrupt(); // give the live lesson the whole link at once, losing at most the chunks in flight
    wake();
  });

  function idle(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });
  }

  async function refreshListing() {
    const response = await deps.fetch(`${deps.hubUrl}${ContentPaths.packs}`, {
      headers: { authorization: `Bearer ${deps.token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) },
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) throw new Error(`pack list: HTTP ${response.status}`);
    const problem = await deps.storePackList(PacksResponse.parse(await response.json()));
    // Shown until a later list is taken without it (other errors are not cleared by a good list).
    if (problem !== null || (listProblem !== null && status.lastError === listProblem)) report({ lastError: problem });
    listProblem = problem;
  }

  async function filesInOrder(): Promise<ContentFileRow[]> {
    const pending = await db.contentFiles.where('state').anyOf('queued', 'failed').toArray();
    const links = await db.lessonPacks.toArray();
    const packs = new Map((await db.packs.toArray()).map((p) => [p.id, p]));
    const lessons = new Map((await db.lessons.toArray()).map((l) => [l.id, Date.parse(l.startsAt)]));
    const needs = pending.map((f) => ({
      sha256: f.sha256,
      lessonStarts: links
        .filter((l) => packs.get(l.packId)?.manifest.files.some((pf) => pf.sha256 === f.sha256))
        .map((l) => lessons.get(l.lessonId))
        .filter((s): s is number => s !== undefined),
    }));
    const bySha = new Map(pending.map((f) => [f.sha256, f]));
    return priorityOrder(needs, now().getTime()).map((s) => bySha.get(s)).filter((f): f is ContentFileRow => f !== undefined);
  }

  /** Whole-file SHA-256 over the stored chunks, in order: the last word before a file counts as cached. */
  async function verifyWhole(file: ContentFileRow): Promise<boolean> {
    const hasher = await createSHA256();
    hasher.init();
    for (let i = 0; i < file.chunks.length; i++) {
      const row = await db.contentChunks.get([file.sha256, i]);
      if (!row) return false;
      hasher.update(new Uint8Array(await row.data.arrayBuffer()));
    }
    return hasher.digest('hex') === file.sha256;
  }

  /** After the last chunk: the whole-file hash decides whether the file counts as cached. */
  async function finishFile(file: ContentFileRow): Promise<boolean> {
    if (await verifyWhole(file)) {
      await setFileState(db, file.sha256, 'complete');
      return true;
    }
    // Every chunk matched its hash but the whole does not: the manifest itself is inconsistent. Start over, loudly.
    await resetFile(db, file.sha256, 'failed');
    report({ lastError: `whole-file SHA-256 mismatch for ${file.sha256.slice(0, 12)}` });
    return false;
  }

  type FileRun = { file: ContentFileRow; missing: number[]; next: number; left: number; doneBytes: number; failure: string | null };

  /**
   * One pool of workers over the chunks of all queued files, in priority order: the link stays full across file
   * boundaries (a file's last chunks overlap the next file's first), which matters on a 300 ms link.
   */
  async function downloadFiles(files: ContentFileRow[]): Promise<{ done: number; paused: boolean; diskFull: boolean }> {
    const controller = new AbortController();
    inFlight = controller;
    const runs: FileRun[] = [];
    for (const file of files) {
      const have = await storedChunkIndexes(db, file.sha256);
      const missing = file.chunks.map((_, i) => i).filter((i) => !have.has(i));
      const doneBytes = file.chunks.reduce((sum, _, i) => sum + (have.has(i) ? Math.min(file.chunkSize, file.size - i * file.chunkSize) : 0), 0);
      runs.push({ file, missing, next: 0, left: missing.length, doneBytes, failure: null });
    }
    const started = performance.now();
    let sessionBytes = 0;
    let fatal: string | null = null;
    let done = 0;
    const finishing: Promise<void>[] = [];
    const finish = (run: FileRun) => finishing.push(finishFile(run.file).then((ok) => void (ok && done++)));
    const progress = (run: FileRun) => {
      const elapsed = (performance.now() - started) / 1000;
      const rate = elapsed > 0.5 ? sessionBytes / elapsed : 0;
      const left = run.file.size - run.doneBytes;
      report({ phase: 'downloading', current: { sha256: run.file.sha256, doneBytes: run.doneBytes, totalBytes: run.file.size, bytesPerSecond: rate, secondsLeft: rate > 0 ? left / rate : null } });
    };
    runs.filter((r) => r.missing.length === 0).forEach(finish); // stored completely before a crash, never verified
    const nextTask = () => {
      for (const run of runs) if (run.failure === null && run.next < run.missing.length) return { run, index: run.missing[run.next++] as number };
      return null;
    };
    const worker = async () => {
      for (let task = nextTask(); task && !controller.signal.aborted && fatal === null; task = nextTask()) {
        const { run, index } = task;
        const { file } = run;
        for (let attempt = 1; ; attempt++) {
          try {
            await bucket.take(Math.min(file.chunkSize, file.size - index * file.chunkSize), controller.signal);
            const data = await fetchVerifiedChunk(deps, file, index, controller.signal);
            await putVerifiedChunk(db, file.sha256, index, data);
            status.counters.chunksFetched++;
            run.doneBytes += data.size;
            sessionBytes += data.size;
            progress(run);
            if (--run.left === 0) finish(run);
            break;
          } catch (error) {
            if (controller.signal.aborted) return;
            if (quotaAware(error) === 'quota_exceeded') {
              fatal = 'quota_exceeded'; // a full disk will not clear by retrying; what is stored stays stored
              return;
            }
            const chunkError = error instanceof ChunkError ? error : null;
            if (chunkError?.failure === 'corrupt') status.counters.corruptChunks++;
            if (chunkError?.failure === 'gone' || attempt >= (deps.maxAttempts ?? 8)) {
              run.failure = error instanceof Error ? error.message : String(error);
              break; // this file waits for the next round; the others go on
            }
            status.counters.retries++;
            report({ lastError: error instanceof Error ? error.message : String(error) });
            await abortableSleep(backoffMs(attempt), controller.signal).catch(() => undefined);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await Promise.all(finishing);
    inFlight = null;
    for (const run of runs) {
      const failure = fatal ?? run.failure;
      if (failure !== null && run.left > 0) await setFileState(db, run.file.sha256, 'failed', failure);
    }
    if (fatal !== null || runs.some((r) => r.failure !== null)) report({ lastError: fatal ?? runs.find((r) => r.failure !== null)?.failure ?? null });
    return { done, paused: controller.signal.aborted, diskFull: fatal === 'quota_exceeded' };
  }

  /**
   * Disk full: evict least recently used packs not needed in the next days and not pinned, enough for what is queued.
   * Returns whether anything was freed; if not enough could be, the quota message stays up with nothing lost.
   */
  async function makeRoom(queue: ContentFileRow[]): Promise<boolean> {
    const needBytes = queue.reduce((sum, f) => sum + f.size - f.doneBytes, 0);
    const plan = planEviction({ packs: await evictionCandidates(db), needBytes, freeBytes: 0, now: now().getTime() });
    if (plan.evict.length > 0) await evictPacks(db, plan.evict);
    report({ lastError: plan.shortfallBytes > 0 ? 'quota_exceeded' : null });
    return plan.freedBytes > 0;
  }

  async function loop() {
    let failures = 0;
    while (!stopped) {
      if (!allowed()) {
        report({ phase: stopped ? 'stopped' : live ? 'paused-live' : 'waiting-hours', current: null });
        await idle(60_000);
        continue;
      }
      try {
        await refreshListing();
        failures = 0;
      } catch (error) {
        failures++;
        report({ phase: 'offline', lastError: error instanceof Error ? error.message : String(error) });
      }
      let queue: ContentFileRow[] = [];
      let progressed = false;
      try {
        queue = await filesInOrder();
        if (queue.length > 0 && allowed()) {
          const result = await downloadFiles(queue);
          progressed = result.done > 0;
          if (result.diskFull) progressed = (await makeRoom(queue)) || progressed;
        }
      } catch (error) {
        // IndexedDB trouble (quota, a closed database): report, back off, never crash the loop.
        if (stopped) break;
        report({ lastError: quotaAware(error) });
      }
      if (stopped) break;
      if (!allowed()) continue;
      if (queue.length === 0) {
        report({ phase: 'idle', current: null });
        override = false; // "download now" lasts until everything needed is here
        await idle(deps.refreshEveryMs ?? 5 * 60_000);
      } else if (!progressed) {
        await idle(backoffMs(++failures));
      }
    }
    report({ phase: 'stopped', current: null });
  }

  return {
    start() {
      if (running) return;
      running = true;
      stopped = false;
      void loop().finally(() => (running = false));
    },
    /** Ignore the download hours until what is needed is here. */
    downloadNow() {
      override = true;
      wake();
    },
    setHours(next: DownloadHours | null) {
      hours = next;
      wake();
    },
    setMaxBytesPerSecond: (rate: number | null) => bucket.setRate(rate),
    refresh: wake,
    status: () => ({ ...status, counters: { ...status.counters } }),
    stop() {
      stopped = true;
      interrupt();
      wake();
      unsubscribeLive?.();
    },
  };
}

export type DownloadManager = ReturnType<typeof createDownloadManager>;
