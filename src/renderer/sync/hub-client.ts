// Typed HTTP client for the hub: the one way the renderer talks to it (sync, pack lists, content byte ranges). Every
// response is parsed with the shared protocol schemas: a hub that answers with something else is reported as
// `invalid_response`, never trusted. Every failure is a HubRequestError with a named reason, and a refusal no retry
// can fix (revoked device, protocol mismatch) is reported once and then answered locally.
import type { z } from 'zod';
import { ContentPaths, ReceivedPacks } from '../../shared/content-protocol.ts';
import { expandAcks } from '../../shared/push-acks.ts';
import {
  EnrollResponse,
  ErrorResponse,
  HUB_TIME_HEADER,
  HubPaths,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  PUSH_HUB_MAX_OPS,
  PUSH_MAX_OPS,
  PUSH_MAX_OPS_HEADER,
  PullPage,
  PushResponse,
  type OpAck,
  type Op,
  type EnrollRequest,
} from '../../shared/protocol.ts';
import { CapabilitiesResponse, livePaths } from '../../shared/live-protocol.ts';
import { HubRequestError, isRefusal } from './hub-client-error.ts';
import { openPushSocket, type PushSocket } from './push-socket.ts';

export { HubRequestError, isRefusal, type HubFailureReason } from './hub-client-error.ts';

/** The hub's clock as one answer told it, with this PC's clock around the request (hub-clock.ts turns it into an offset). */
export type HubTimeSample = { hubMs: number; sentMs: number; receivedMs: number };

/** Retry-After in seconds (the hub never sends an HTTP date), capped at an hour so a hostile answer cannot park sync. */
export function parseRetryAfter(header: string | null): number | null {
  if (header === null || !/^\d{1,6}$/.test(header.trim())) return null;
  return Math.min(Number(header.trim()), 3600) * 1000;
}

export type HubClientDeps = {
  baseUrl: string;
  token?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Called once, with the first refusal; from then on every call fails with it without touching the network. */
  onRefused?: (error: HubRequestError) => void;
  /** Told the hub's clock from every answer, error answers included. */
  onHubTime?: (sample: HubTimeSample) => void;
  localNow?: () => number;
  /** How the sync socket is opened (the browser's WebSocket by default). */
  createWebSocket?: (url: string) => WebSocket;
};

/**
 * Which of the browser's two connection pools a content request uses. Browsers keep credentialed and uncredentialed
 * connections to an origin apart (Fetch standard, "connection pool" keyed by credentials) and cap each at 6, so two
 * pools let about a dozen byte ranges run on their own TCP connections: what a stock (CUBIC) hub needs to fill a lossy
 * 300 ms link. The hub authenticates with a bearer token, never cookies, so a credentialed request carries nothing more.
 */
export type ConnectionPool = 0 | 1;
/**
 * Connections content ranges may hold in each pool. Every other hub request (sync push, pull, pack list) goes
 * uncredentialed (pool 0), so two of its six stay free for them: records pushed after a day offline must not queue
 * in the browser behind ranges that take many seconds each (two, so pushed batches can be pipelined).
 */
export const CONTENT_POOL_SLOTS: Readonly<Record<ConnectionPool, number>> = { 0: 4, 1: 6 };
export type ByteRange = { start: number; end: number };

export function normaliseHubUrl(input: string): string {
  const trimmed = input.trim().replace(/\/+$/, '');
  const withScheme = /^https?:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  const url = new URL(withScheme); // throws on nonsense, which the enroll screen reports
  return url.origin;
}

export function createHubClient(deps: HubClientDeps) {
  return clientWith(deps, { refused: null, pushMaxOps: PUSH_MAX_OPS }, deps.fetch ?? fetch);
}

type SharedState = { refused: HubRequestError | null; pushMaxOps: number };

/** `shared`: what every view of the one client knows (the refusal); `contentFetch`: how content requests travel. */
function clientWith(deps: HubClientDeps, shared: SharedState, contentFetch: typeof fetch) {
  const { baseUrl, token, fetch: fetchImpl = fetch, timeoutMs = 20_000, onRefused, onHubTime, localNow = Date.now } = deps;

  /** The hub's named error, recorded once if it is a refusal. */
  function failed(error: HubRequestError): HubRequestError {
    if (shared.refused === null && isRefusal(error)) {
      shared.refused = error;
      onRefused?.(error);
    }
    return error;
  }

  /** Ops per push, as any answer says (header, or a push's body): never more than this app knows any hub to take,
   * never less than every hub takes; anything else (not a number) changes nothing. */
  function learnPushMaxOps(said: string | null) {
    if (said === null || !/^\d{1,9}$/.test(said)) return;
    shared.pushMaxOps = Math.max(PUSH_MAX_OPS, Math.min(PUSH_HUB_MAX_OPS, Number(said)));
  }

  /** One request: protocol header, token, network errors and error answers in the one vocabulary. */
  async function send(path: string, init: RequestInit, signal: AbortSignal, via: typeof fetch = fetchImpl): Promise<Response> {
    if (shared.refused) throw shared.refused;
    const headers = new Headers(init.headers);
    headers.set(PROTOCOL_HEADER, String(PROTOCOL_VERSION));
    if (token) headers.set('authorization', `Bearer ${token}`);
    let response: Response;
    const sentMs = localNow();
    try {
      response = await via(`${baseUrl}${path}`, { ...init, headers, signal });
    } catch (error) {
      if (signal.aborted && signal.reason instanceof DOMException && signal.reason.name === 'AbortError') throw signal.reason;
      throw new HubRequestError('network', error instanceof Error ? error.message : String(error));
    }
    const hubTime = response.headers.get(HUB_TIME_HEADER);
    if (onHubTime && hubTime !== null && /^\d{1,15}$/.test(hubTime)) onHubTime({ hubMs: Number(hubTime), sentMs, receivedMs: localNow() });
    learnPushMaxOps(response.headers.get(PUSH_MAX_OPS_HEADER));
    if (response.ok) return response;
    const body: unknown = await response.json().catch(() => undefined);
    const parsed = ErrorResponse.safeParse(body);
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    if (!parsed.success) throw new HubRequestError('invalid_response', `HTTP ${response.status}`, response.status, retryAfterMs);
    throw failed(new HubRequestError(parsed.data.error.code, parsed.data.error.message, response.status, retryAfterMs));
  }

  async function request<S extends z.ZodType>(path: string, schema: S, init: RequestInit = {}, via?: typeof fetch, waitMs = timeoutMs): Promise<z.output<S>> {
    const headers = new Headers(init.headers);
    if (init.body) headers.set('content-type', 'application/json');
    const response = await send(path, { ...init, headers }, AbortSignal.timeout(waitMs), via);
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
    pull: (cursor: number) => request(`${HubPaths.pull}?cursor=${cursor}`, PullPage),
    /** The hub's router capabilities, for loading the live player's Device before a lesson starts. */
    liveCapabilities: () => request(livePaths.capabilities, CapabilitiesResponse),
    /** The classroom's pack list (signed manifests and the lessons they belong to); hub-pack-gate.ts checks it. */
    packs: () => request(ContentPaths.packs, ReceivedPacks, {}, contentFetch),
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
        contentFetch,
      );
      const contentRange = /^bytes (\d+)-(\d+)\/\d+$/.exec(response.headers.get('content-range') ?? '');
      if (response.status !== 206 || Number(contentRange?.[1]) !== range.start || Number(contentRange?.[2]) !== range.end || !response.body) {
        await response.body?.cancel().catch(() => undefined);
        throw new HubRequestError('invalid_response', `HTTP ${response.status} ${response.headers.get('content-range') ?? ''} for bytes ${range.start}-${range.end}`, response.status);
      }
      return response.body;
    },
    /**
     * Ops go gzip-compressed (about 10× smaller: the village link is the bottleneck, not the CPU), and ask for compact
     * acks (push-acks.ts); either answer comes back as one ack per acknowledged or refused op.
     */
    async push(ops: Op[]): Promise<OpAck[]> {
      const json = JSON.stringify({ ops, acks: 'compact' });
      const body = await gzip(json);
      const headers: Record<string, string> = body === null ? {} : { 'content-encoding': 'gzip' };
      // Batches may be on their way side by side: give each the time its bytes need at 32 kbit/s, not less.
      const waitMs = Math.max(timeoutMs, ((body?.byteLength ?? json.length) * 8) / PUSH_MIN_KBIT);
      const response = await request(HubPaths.push, PushResponse, { method: 'POST', body: body ?? json, headers }, undefined, waitMs);
      learnPushMaxOps(String(response.maxOps ?? PUSH_MAX_OPS)); // a push answer without it: an older hub
      return response.acknowledged ? expandAcks(ops, response.acknowledged, response.acks) : response.acks;
    },
    /**
     * The same client (token, clock, a refusal seen once for all), with content requests (pack list, byte ranges)
     * travelling through another fetch: the school edge route (edge-route.ts), which falls back to this hub itself.
     */
    withContentFetch: (route: typeof fetch): HubClient => clientWith(deps, shared, route),
    /**
     * A sync socket for one long drain (push-socket.ts): the same token, refusals and clock as every other call.
     * A refusal seen before fails its pushes without opening anything.
     */
    openPushSocket(): PushSocket {
      if (shared.refused) {
        const refused = shared.refused;
        return { push: () => Promise.reject(refused), opened: false, close: () => {} };
      }
      return openPushSocket({
        baseUrl,
        token: token ?? '',
        timeoutMs,
        localNow,
        onFailure: failed,
        onReady: ({ maxOps, hubMs, sentMs, receivedMs }) => {
          learnPushMaxOps(String(maxOps));
          onHubTime?.({ hubMs, sentMs, receivedMs });
        },
        ...(deps.createWebSocket ? { createWebSocket: deps.createWebSocket } : {}),
      });
    },
    /** Ops per push the hub said it takes (PUSH_MAX_OPS until it has answered a push). */
    pushMaxOps: () => shared.pushMaxOps,
  };
}

/** Slowest upload a push is still given time for (bits per millisecond = kbit/s). */
const PUSH_MIN_KBIT = 32;

export type HubClient = {
  enroll(req: EnrollRequest): Promise<EnrollResponse>;
  pull(cursor: number): Promise<PullPage>;
  packs(): Promise<ReceivedPacks>;
  blobRange(sha256: string, range: ByteRange, options: { signal: AbortSignal; pool?: ConnectionPool }): Promise<ReadableStream<Uint8Array>>;
  push(ops: Op[]): Promise<OpAck[]>;
  withContentFetch(route: typeof fetch): HubClient;
  pushMaxOps(): number;
  openPushSocket(): PushSocket;
};

async function gzip(text: string): Promise<ArrayBuffer | null> {
  if (typeof CompressionStream === 'undefined') return null;
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}
