// Streams one byte range of a file from the hub, handing the bytes on as they arrive: progress and goodput are seen
// every few kilobytes, a partial chunk can be saved while it comes, and a range whose back half was given to another
// connection stops exactly where that half starts. Nothing here trusts the bytes; chunks are verified by hash once
// whole (download-run.ts).
import { HubRequestError, type ConnectionPool, type HubClient } from '../sync/hub-client.ts';
import type { Span } from './range-plan.ts';

export type RangeStreamOptions = {
  signal: AbortSignal;
  pool: ConnectionPool;
  /** The last byte still wanted; read on every delivery, since an endgame split may lower it meanwhile. */
  end: () => number;
  /** Bytes at file offset `offset` arrived. */
  deliver: (offset: number, bytes: Uint8Array) => void;
  /** Waits before reading on while the bandwidth cap is used up (reading slower lets TCP slow the sender down). */
  pace?: (bytes: number, signal: AbortSignal) => Promise<void>;
};

/** Resolves once every wanted byte was delivered; throws HubRequestError (or the abort reason) otherwise. */
export async function streamRange(hub: Pick<HubClient, 'blobRange'>, span: Span, options: RangeStreamOptions): Promise<void> {
  const body = await hub.blobRange(span.file.sha256, { start: span.start, end: span.end }, { signal: options.signal, pool: options.pool });
  const reader = body.getReader();
  let next = span.start;
  let whole = false;
  try {
    while (next <= options.end()) {
      let read: ReadableStreamReadResult<Uint8Array>;
      try {
        read = await reader.read();
      } catch (error) {
        if (options.signal.aborted) throw options.signal.reason;
        throw new HubRequestError('network', `range cut after ${next - span.start} bytes: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (read.done) throw new HubRequestError('network', `range ended after ${next - span.start} of ${span.end - span.start + 1} bytes`);
      const wanted = read.value.subarray(0, Math.max(0, options.end() - next + 1));
      if (wanted.length > 0) options.deliver(next, wanted);
      next += wanted.length;
      if (options.pace && wanted.length > 0) await options.pace(wanted.length, options.signal);
    }
    // Every byte asked for is here: see the body end, so the connection goes back to the pool for the next range.
    whole = next > span.end && (await reader.read().catch(() => ({ done: false }))).done;
  } finally {
    // Stopped early (split, pause, error): cancelling drops the rest of the answer (and its connection).
    if (!whole) await reader.cancel().catch(() => undefined);
  }
}
