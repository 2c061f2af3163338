// One chunk over HTTP Range, verified before anyone sees it: wrong status, wrong length or a hash that does not match
// the manifest is an error, and the bytes are dropped.
import { sha256 } from 'hash-wasm';
import { ContentPaths } from '../../shared/content-protocol.ts';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../shared/protocol.ts';

export type ChunkFailure = 'network' | 'http' | 'corrupt' | 'gone';

export class ChunkError extends Error {
  constructor(
    readonly failure: ChunkFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ChunkError';
  }
}

export type ChunkTarget = { sha256: string; size: number; chunkSize: number; chunks: string[] };
export type HubAccess = { hubUrl: string; token: string; fetch: typeof fetch };

export const chunkBounds = (file: ChunkTarget, index: number) => {
  const start = index * file.chunkSize;
  return { start, end: Math.min(start + file.chunkSize, file.size) - 1 };
};

export async function fetchVerifiedChunk(hub: HubAccess, file: ChunkTarget, index: number, signal: AbortSignal): Promise<Blob> {
  const { start, end } = chunkBounds(file, index);
  let response: Response;
  try {
    response = await hub.fetch(`${hub.hubUrl}${ContentPaths.blob(file.sha256)}`, {
      headers: { range: `bytes=${start}-${end}`, authorization: `Bearer ${hub.token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) },
      signal,
      cache: 'no-store', // the Blob goes to IndexedDB; a second copy in the HTTP cache would only eat the quota
    });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new ChunkError('network', error instanceof Error ? error.message : String(error));
  }
  if (response.status === 404 || response.status === 401 || response.status === 403) throw new ChunkError('gone', `HTTP ${response.status}`);
  const whole = response.status === 200 && start === 0 && end === file.size - 1;
  if (response.status !== 206 && !whole) throw new ChunkError('http', `HTTP ${response.status} for a range request`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    if (signal.aborted) throw error;
    throw new ChunkError('network', `body cut: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (bytes.length !== end - start + 1) throw new ChunkError('corrupt', `chunk ${index}: ${bytes.length} bytes, expected ${end - start + 1}`);
  const digest = await sha256(bytes);
  if (digest !== file.chunks[index]) throw new ChunkError('corrupt', `chunk ${index}: SHA-256 mismatch`);
  return new Blob([bytes as Uint8Array<ArrayBuffer>]);
}
