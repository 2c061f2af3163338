// Typed HTTP client for the hub. Every response is parsed with the shared protocol schemas: a hub that answers with
// something else is reported as `invalid_response`, never trusted.
import type { z } from 'zod';
import {
  EnrollResponse,
  ErrorResponse,
  HUB_TIME_HEADER,
  HubPaths,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  PullPage,
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

/** The hub's clock as one answer told it, with this PC's clock around the request (hub-clock.ts turns it into an offset). */
export type HubTimeSample = { hubMs: number; sentMs: number; receivedMs: number };

export type HubClientDeps = {
  baseUrl: string;
  token?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Told the hub's clock from every answer, error answers included. */
  onHubTime?: (sample: HubTimeSample) => void;
  localNow?: () => number;
};

export function normaliseHubUrl(input: string): string {
  const trimmed = input.trim().replace(/\/+$/, '');
  const withScheme = /^https?:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  const url = new URL(withScheme); // throws on nonsense, which the enroll screen reports
  return url.origin;
}

export function createHubClient({ baseUrl, token, fetch: fetchImpl = fetch, timeoutMs = 20_000, onHubTime, localNow = Date.now }: HubClientDeps) {
  async function request<S extends z.ZodType>(path: string, schema: S, init: RequestInit = {}): Promise<z.output<S>> {
    const headers = new Headers(init.headers);
    headers.set(PROTOCOL_HEADER, String(PROTOCOL_VERSION));
    if (token) headers.set('authorization', `Bearer ${token}`);
    if (init.body) headers.set('content-type', 'application/json');
    let response: Response;
    const sentMs = localNow();
    try {
      response = await fetchImpl(`${baseUrl}${path}`, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new HubRequestError('network', error instanceof Error ? error.message : String(error));
    }
    const hubTime = response.headers.get(HUB_TIME_HEADER);
    if (onHubTime && hubTime !== null && /^\d{1,15}$/.test(hubTime)) onHubTime({ hubMs: Number(hubTime), sentMs, receivedMs: localNow() });
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new HubRequestError('invalid_response', `HTTP ${response.status}: body is not JSON`, response.status);
    }
    if (!response.ok) {
      const parsed = ErrorResponse.safeParse(body);
      if (!parsed.success) throw new HubRequestError('invalid_response', `HTTP ${response.status}`, response.status);
      throw new HubRequestError(parsed.data.error.code, parsed.data.error.message, response.status);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new HubRequestError('invalid_response', parsed.error.message, response.status);
    return parsed.data;
  }

  return {
    enroll: (req: EnrollRequest) => request(HubPaths.enroll, EnrollResponse, { method: 'POST', body: JSON.stringify(req) }),
    pull: (cursor: number) => request(`${HubPaths.pull}?cursor=${cursor}`, PullPage),
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
