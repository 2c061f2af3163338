// Typed HTTP client for the hub: the one way the renderer talks to it (sync, pack lists, content byte ranges). Every
// response is parsed with the shared protocol schemas: a hub that answers with something else is reported as
// `invalid_response`, never trusted. Every failure is a HubRequestError with a named reason, and a refusal no retry
// can fix (revoked device, protocol mismatch) is reported once and then answered locally.
import type { z } from 'zod';
import { ContentPaths, PacksResponse } from '../../shared/content-protocol.ts';
import {
  EnrollResponse,
  ErrorResponse,
  HubPaths,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  PullResponse,
  PushResponse,
  type Op,
  type EnrollRequest,
  type ErrorCode,
} from '../../shared/protocol.ts';

/** Why a hub request failed: the hub's named error code, or that it could not be reached or understood. */
export type HubFailureReason = ErrorCode | 'network' | 'invalid_response';

export class HubRequestError extends Error {
  constructor(
    readonly reason: HubFailureReason,
    message: string,
    readonly status = 0,
  ) {
    super(message);
    this.name = 'HubRequestError';
  }
}

/** Refusals no retry can fix: the device must be enrolled again, or the app or the hub updated. */
const REFUSALS: ReadonlySet<HubFailureReason> = new Set(['device_revoked', 'unauthorized', 'client_too_old', 'hub_too_old']);
export const isRefusal = (error: unknown): error is HubRequestError => error instanceof HubRequestError && REFUSALS.has(error.reason);

export type HubClientDeps = {
  baseUrl: string;
  token?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Called once, with the first refusal; from then on every call fails with it without touching the network. */
  onRefused?: (error: HubRequestError) => void;
};

/**
 * Which of the browser's two connection pools a content request uses. Browsers keep credentialed and uncredentialed
 * connections to an origin apart (Fetch standard, "connection pool" keyed by credentials) and cap each at 6, so two
 * pools let 12 byte ranges run on 12 TCP connections: what a stock (CUBIC) hub needs to fill a lossy 300 ms link.
 * The hub authenticates with a bearer token, never cookies, so a credentialed request carries nothing more.
 */
export type ConnectionPool = 0 | 1;
export type ByteRange = { start: number; end: number };

export function normaliseHubUrl(input: string): string {
  const trimmed = input.trim().replace(/\/+$/, '');
  const withScheme = /^https?:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  const url = new URL(withScheme); // throws on nonsense, which the enroll screen reports
  return url.origin;
}

export function createHubClient({ baseUrl, token, fetch: fetchImpl = fetch, timeoutMs = 20_000, onRefused }: HubClientDeps) {
  let refused: HubRequestError | null = null;

  /** The hub's named error, recorded once if it is a refusal. */
  function failed(error: HubRequestError): HubRequestError {
    if (refused === null && isRefusal(error)) {
      refused = error;
      onRefused?.(error);
    }
    return error;
  }

  /** One request: protocol header, token, network errors and error answers in the one vocabulary. */
  async function send(path: string, init: RequestInit, signal: AbortSignal): Promise<Response> {
    if (refused) throw refused;
    const headers = new Headers(init.headers);
    headers.set(PROTOCOL_HEADER, String(PROTOCOL_VERSION));
    if (token) headers.set('authorization', `Bearer ${token}`);
    let response: Response;
    try {
      response = await fetchImpl(`${baseUrl}${path}`, { ...init, headers, signal });
    } catch (error) {
      if (signal.aborted && signal.reason instanceof DOMException && signal.reason.name === 'AbortError') throw signal.reason;
      throw new HubRequestError('network', error instanceof Error ? error.message : String(error));
    }
    if (response.ok) return response;
    const body: unknown = await response.json().catch(() => undefined);
    const parsed = ErrorResponse.safeParse(body);
    if (!parsed.success) throw new HubRequestError('invalid_response', `HTTP ${response.status}`, response.status);
    throw failed(new HubRequestError(parsed.data.error.code, parsed.data.error.message, response.status));
  }

  async function request<S extends z.ZodType>(path: string, schema: S, init: RequestInit = {}): Promise<z.output<S>> {
    const headers = new Headers(init.headers);
    if (init.body) headers.set('content-type', 'application/json');
    const response = await send(path, { ...init, headers }, AbortSignal.timeout(timeoutMs));
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new HubRequestError('invalid_response', `HTTP ${response.status}: body is not JSON`, response.status);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new HubRequestError('invalid_response', parsed.error.message, response.status);
    return parsed.data;
  }

  return {
    enroll: (req: EnrollRequest) => request(HubPaths.enroll, EnrollResponse, { method: 'POST', body: JSON.stringify(req) }),
    pull: (cursor: number) => request(`${HubPaths.pull}?cursor=${cursor}`, PullResponse),
    /** The classroom's packs (manifests and the lessons they belong to). */
    packs: async () => (await request(ContentPaths.packs, PacksResponse)).packs,
    /**
     * Bytes `range.start`–`range.end` (inclusive) of a stored file, as the body stream of a 206 answer whose
     * Content-Range says exactly that range. The caller verifies the bytes (chunk hashes); `signal` aborts the
     * request and the stream, and is the only timeout (the caller watches for stalls: a range may take minutes).
     */
    async blobRange(sha256: string, range: ByteRange, options: { signal: AbortSignal; pool?: ConnectionPool }): Promise<ReadableStream<Uint8Array>> {
      const response = await send(
        ContentPaths.blob(sha256),
        {
          headers: { range: `bytes=${range.start}-${range.end}` },
          credentials: options.pool === 1 ? 'include' : 'omit',
          cache: 'no-store', // the bytes go to IndexedDB; a second copy in the HTTP cache would only eat the quota
        },
        options.signal,
      );
      const contentRange = /^bytes (\d+)-(\d+)\/\d+$/.exec(response.headers.get('content-range') ?? '');
      if (response.status !== 206 || Number(contentRange?.[1]) !== range.start || Number(contentRange?.[2]) !== range.end || !response.body) {
        await response.body?.cancel().catch(() => undefined);
        throw new HubRequestError('invalid_response', `HTTP ${response.status} ${response.headers.get('content-range') ?? ''} for bytes ${range.start}-${range.end}`, response.status);
      }
      return response.body;
    },
    /** Ops go gzip-compressed (about 10× smaller: the village link is the bottleneck, not the CPU). */
    async push(ops: Op[]) {
      const json = JSON.stringify({ ops });
      const body = await gzip(json);
      const headers: Record<string, string> = body === null ? {} : { 'content-encoding': 'gzip' };
      return (await request(HubPaths.push, PushResponse, { method: 'POST', body: body ?? json, headers })).acks;
    },
  };
}

export type HubClient = ReturnType<typeof createHubClient>;

async function gzip(text: string): Promise<ArrayBuffer | null> {
  if (typeof CompressionStream === 'undefined') return null;
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}
