// One download round over the queued files: byte ranges on as many connections as the concurrency controller finds
// pays, bytes assembled into chunks, each chunk stored only once its SHA-256 matches, the received part of every chunk
// in flight saved ten times a second (so a killed app re-fetches at most that moment's bytes), and at the end the slowest
// ranges split so the last bytes do not trickle in over one connection.
import { sha256 as sha256Hex } from 'hash-wasm';
import type { AppDb } from '../db/app-db.ts';
import { dropParts, heldPrefixes, saveParts, storeAssembledChunk, type NewPart } from '../db/chunk-parts-repo.ts';
import type { ContentFileRow } from '../db/content-rows.ts';
import { storedChunkIndexes } from '../db/content-repo.ts';
import { CONTENT_POOL_SLOTS, HubRequestError, isRefusal, type ConnectionPool, type HubClient } from '../sync/hub-client.ts';
import { addBytes, createAssembly, isComplete, unsavedPrefix, type Assembly } from './chunk-assembly.ts';
import { streamRange } from './chunk-fetch.ts';
import type { ConcurrencyController } from './concurrency-controller.ts';
import { chunkRange, createRangePlan, missingSpans, splitLargest, type ActiveRange, type Span } from './range-plan.ts';

export type RunCounters = { chunksFetched: number; corruptChunks: number; retries: number; bytesReceived: number };

export type RunDeps = {
  db: AppDb;
  hub: Pick<HubClient, 'blobRange'>;
  controller: ConcurrencyController;
  clock: () => number;
  counters: RunCounters;
  signal: AbortSignal;
  /** Bandwidth cap: waits while it is used up; `throttled()` says whether it held anything back lately. */
  pace?: (bytes: number, signal: AbortSignal) => Promise<void>;
  throttled?: () => boolean;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  backoffMs: (attempt: number) => number;
  maxAttempts: number;
  /** A file's chunks are all stored: verify the whole (true = complete). */
  finishFile: (file: ContentFileRow) => Promise<boolean>;
  progress: (file: ContentFileRow, doneBytes: number, bytesPerSecond: number) => void;
  onError: (error: unknown) => void;
  tickMs?: number;
  saveEveryMs?: number;
  stallMs?: number;
  /** A range takes about this long at the current per-connection rate (fewer round trips between requests). */
  rangeSeconds?: number;
};

/** `fatal`: what ended the round for every file (a full disk, another storage error, the hub's refusal). */
export type RunResult = { done: number; failures: Map<string, string>; fatal: unknown };

/** `doneBytes`: stored and received bytes of the file, for progress. */
type FileState = { file: ContentFileRow; left: number; doneBytes: number; attempts: number; failure: string | null };
type Lane = { pool: ConnectionPool; active: (ActiveRange & { abort: AbortController; lastByteAt: number }) | null };

// The endgame splits ranges down to this: with 64 KiB, the last ranges (< 128 KiB left each) trickled over their own
// connections for 3–4 s at a loss-limited 30 KB/s each while the other connections sat idle (bench trace, 2 Mbit/s,
// 3 % loss); a split costs one request (a round trip before its first byte), still cheaper than that tail.
const MIN_SPLIT_BYTES = 16 * 1024;

export async function runDownloads(files: ContentFileRow[], deps: RunDeps): Promise<RunResult> {
  const { db, controller, clock, counters } = deps;
  // Aborted by the caller (pause, live lesson, stop) or by this round itself (a fatal error).
  const round = new AbortController();
  const signal = round.signal;
  const onCallerAbort = () => round.abort(deps.signal.reason);
  if (deps.signal.aborted) onCallerAbort();
  deps.signal.addEventListener('abort', onCallerAbort, { once: true });
  const states = new Map<string, FileState>();
  const assemblies = new Map<string, Assembly>();
  const spans: Span[] = [];
  const finishing: Promise<void>[] = [];
  let done = 0;
  let fatal: unknown = null;
  const halt = (error: unknown) => {
    fatal ??= error;
    round.abort(new DOMException('stopped', 'AbortError'));
  };

  const finish = (state: FileState) =>
    finishing.push(deps.finishFile(state.file).then((ok) => void (ok && done++)));
  for (const file of files) {
    const stored = await storedChunkIndexes(db, file.sha256);
    const held = await heldPrefixes(db, file.sha256);
    const missing = new Map<number, number>();
    let doneBytes = 0;
    file.chunks.forEach((_, index) => {
      const { start, end } = chunkRange(file, index);
      if (stored.has(index)) doneBytes += end - start + 1;
      else {
        const prefix = held.get(index);
        missing.set(index, prefix?.length ?? 0);
        if (prefix) assemblies.set(`${file.sha256}:${index}`, createAssembly(file, index, prefix));
      }
    });
    const state: FileState = { file, left: missing.size, doneBytes, attempts: 0, failure: null };
    states.set(file.sha256, state);
    if (missing.size === 0) finish(state); // stored completely before a crash, never verified
    else spans.push(...missingSpans(file, missing));
  }
  const plan = createRangePlan(spans);
  const lanes = new Set<Lane>();
  const started = clock();
  let sessionBytes = 0;

  const assemblyFor = (state: FileState, index: number) => {
    const key = `${state.file.sha256}:${index}`;
    let assembly = assemblies.get(key);
    if (!assembly) assemblies.set(key, (assembly = createAssembly(state.file, index)));
    return assembly;
  };

  async function chunkComplete(state: FileState, assembly: Assembly) {
    assemblies.delete(`${assembly.sha256}:${assembly.index}`);
    const { file } = state;
    if ((await sha256Hex(assembly.buffer)) !== file.chunks[assembly.index]) {
      counters.corruptChunks++;
      deps.onError(new Error(`chunk ${assembly.index} of ${file.sha256.slice(0, 12)}: SHA-256 mismatch`));
      await dropParts(db, file.sha256, assembly.index);
      if (++state.attempts >= deps.maxAttempts) fail(state, `chunk ${assembly.index}: SHA-256 mismatch ${state.attempts} times`);
      else plan.giveBack({ file, ...chunkRange(file, assembly.index) });
      return;
    }
    await storeAssembledChunk(db, file.sha256, assembly.index, new Blob([assembly.buffer as Uint8Array<ArrayBuffer>]));
    counters.chunksFetched++;
    state.attempts = 0;
    if (--state.left === 0) finish(state);
  }

  const fail = (state: FileState, reason: string) => {
    state.failure ??= reason; // this file waits for the next round; the others go on
  };

  /** Bytes of a range arrived: into their chunks; whole chunks are verified and stored in the background. */
  const storing = new Set<Promise<void>>();
  function deliver(state: FileState, offset: number, bytes: Uint8Array) {
    const { chunkSize } = state.file;
    let at = 0;
    while (at < bytes.length) {
      const index = Math.floor((offset + at) / chunkSize);
      const assembly = assemblyFor(state, index);
      const take = Math.min(bytes.length - at, assembly.start + assembly.buffer.length - (offset + at));
      addBytes(assembly, offset + at - assembly.start, bytes.subarray(at, at + take));
      at += take;
      if (isComplete(assembly)) {
        // A full disk will not clear by retrying; any IndexedDB failure ends the round (the manager reports it).
        const stored: Promise<void> = chunkComplete(state, assembly)
          .catch(halt)
          .finally(() => storing.delete(stored));
        storing.add(stored);
      }
    }
    const now = clock();
    controller.record(now, bytes.length);
    counters.bytesReceived += bytes.length;
    state.doneBytes += bytes.length;
    sessionBytes += bytes.length;
    const elapsed = (now - started) / 1000;
    deps.progress(state.file, state.doneBytes, elapsed > 0.5 ? sessionBytes / elapsed : 0);
  }

  async function save() {
    const parts: NewPart[] = [];
    const marks: [Assembly, number][] = [];
    for (const assembly of assemblies.values()) {
      const unsaved = unsavedPrefix(assembly);
      if (!unsaved) continue;
      parts.push({ sha256: assembly.sha256, index: assembly.index, offset: unsaved.offset, bytes: unsaved.bytes });
      marks.push([assembly, unsaved.offset + unsaved.bytes.length]);
    }
    await saveParts(db, parts);
    for (const [assembly, saved] of marks) assembly.saved = Math.max(assembly.saved, saved);
  }

  const pieceBytes = () => {
    const elapsed = (clock() - started) / 1000;
    const perLane = elapsed > 2 && lanes.size > 0 ? sessionBytes / elapsed / lanes.size : 0;
    return perLane * (deps.rangeSeconds ?? 6);
  };
  const activeRanges = () => [...lanes].flatMap((l) => (l.active ? [l.active] : []));
  const splittable = () => activeRanges().some((a) => a.span.end - a.next + 1 >= 2 * MIN_SPLIT_BYTES);

  async function runLane(lane: Lane) {
    while (!signal.aborted && lanes.size <= controller.limit()) {
      const span = plan.take(pieceBytes()) ?? splitLargest(activeRanges(), MIN_SPLIT_BYTES);
      if (!span) return;
      const state = states.get(span.file.sha256);
      if (!state || state.failure !== null) continue;
      const abort = new AbortController();
      const active = { span, next: span.start, abort, lastByteAt: clock() };
      lane.active = active;
      const onAbort = () => abort.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        await streamRange(deps.hub, span, {
          signal: abort.signal,
          pool: lane.pool,
          end: () => active.span.end,
          deliver: (offset, bytes) => {
            active.next = offset + bytes.length;
            active.lastByteAt = clock();
            deliver(state, offset, bytes);
          },
          ...(deps.pace ? { pace: deps.pace } : {}),
        });
      } catch (error) {
        plan.giveBack({ file: span.file, start: active.next, end: active.span.end });
        if (signal.aborted) return;
        if (isRefusal(error)) return halt(error); // the hub client has told the app; nothing here can help
        const message = error instanceof HubRequestError ? `${error.reason}: ${error.message}` : error instanceof Error ? error.message : String(error);
        if (error instanceof HubRequestError && error.reason === 'not_found') fail(state, message);
        else if (++state.attempts >= deps.maxAttempts) fail(state, message);
        else {
          counters.retries++;
          deps.onError(error);
          await deps.sleep(deps.backoffMs(state.attempts), signal).catch(() => undefined);
        }
      } finally {
        signal.removeEventListener('abort', onAbort);
        lane.active = null;
      }
    }
  }

  // Lanes come and go with the controller's limit; one pool of lanes serves every file in priority order.
  const running = new Set<Promise<void>>();
  const pump = () => {
    while (!signal.aborted && lanes.size < controller.limit() && (!plan.isEmpty() || splittable())) {
      // The pool with more free slots (pool 0 keeps room for sync: CONTENT_POOL_SLOTS).
      const used = (pool: ConnectionPool) => [...lanes].filter((l) => l.pool === pool).length;
      const free0 = CONTENT_POOL_SLOTS[0] - used(0);
      const free1 = CONTENT_POOL_SLOTS[1] - used(1);
      if (free0 <= 0 && free1 <= 0) break;
      const lane: Lane = { pool: free1 >= free0 ? 1 : 0, active: null };
      lanes.add(lane);
      const run = runLane(lane).finally(() => {
        lanes.delete(lane);
        running.delete(run);
      });
      running.add(run);
      if (plan.isEmpty()) break; // endgame: one new lane per tick, each splitting the largest range left
    }
  };

  let lastSave = clock();
  for (;;) {
    pump();
    if (running.size === 0 && storing.size === 0) break;
    // Not abortable: once stopped, this waits for the lanes to wind down (I/O) instead of spinning on a settled sleep.
    await Promise.race([...running, ...storing, deps.sleep(deps.tickMs ?? 100)]);
    const now = clock();
    for (const range of activeRanges()) if (now - range.lastByteAt > (deps.stallMs ?? 30_000)) range.abort.abort(new HubRequestError('network', 'no bytes for 30 s'));
    // Saturated: a lane for every slot and work for all of them (the round trip between a lane's requests is part of
    // what the limit buys; the endgame and the bandwidth cap are not).
    controller.tick(now, lanes.size >= controller.limit() && !plan.isEmpty() && !(deps.throttled?.() ?? false));
    if (now - lastSave >= (deps.saveEveryMs ?? 100)) {
      lastSave = now;
      await save().catch(halt);
    }
  }
  deps.signal.removeEventListener('abort', onCallerAbort);
  await save().catch(halt); // what arrived before a pause is kept, not fetched again
  await Promise.all(finishing);

  const failures = new Map<string, string>();
  for (const state of states.values()) if (state.failure !== null && state.left > 0) failures.set(state.file.sha256, state.failure);
  return { done, failures, fatal };
}
