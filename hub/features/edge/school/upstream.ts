// The edge's one client for its county hub. Every call carries the edge token (or, for a classroom's own pack list and
// records, that classroom's token, forwarded unchanged) and a timeout; every answer is parsed; a failure is a HubError:
// the county's own named refusal when it gave one, `upstream_unavailable` when it could not be reached. Content bytes
// received are counted: they are what the school's uplink carried.
import type { z } from 'zod';
import { EdgePaths } from '../../../../src/shared/edge-protocol.ts';
import { ErrorResponse, PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../../../src/shared/protocol.ts';
import { HubError } from '../../../core/http/hub-error.ts';
import type { UplinkCap } from './uplink-cap.ts';

export type Upstream = ReturnType<typeof createUpstream>;

export function createUpstream(options: { base: string; edgeToken: string; cap?: UplinkCap; fetch?: typeof fetch; timeoutMs?: number }) {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const counters = { contentBytes: 0, lastError: undefined as string | undefined };

  async function send(path: string, init: RequestInit & { token?: string }): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set(PROTOCOL_HEADER, String(PROTOCOL_VERSION));
    headers.set('authorization', `Bearer ${init.token ?? options.edgeToken}`);
    let res: Response;
    try {
      res = await doFetch(`${options.base}${path}`, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      counters.lastError = `county hub unreachable: ${error instanceof Error ? error.message : String(error)}`;
      throw new HubError('upstream_unavailable', counters.lastError);
    }
    if (res.status >= 500) counters.lastError = `county hub answered ${res.status}`;
    // The edge's own token refused: say so on the status page and let classrooms go to the county hub themselves.
    else if (res.status === 401 && init.token === undefined) counters.lastError = 'the county hub does not accept this edge (revoked or unknown): enroll it again with a new edge code';
    else counters.lastError = undefined;
    return res;
  }

  /**
   * A non-2xx answer as a named error. For the classroom's own calls (its token forwarded) it is the county's refusal,
   * passed on; for the edge's calls it is never the classroom's fault, so the classroom is told the edge cannot help.
   */
  async function refusal(res: Response, edgeCall = false): Promise<HubError> {
    if (edgeCall && (res.status === 401 || res.status === 403 || res.status === 429)) return new HubError('upstream_unavailable', counters.lastError ?? `county hub refused the edge (${res.status})`);
    const parsed = ErrorResponse.safeParse(await res.json().catch(() => undefined));
    if (parsed.success) return new HubError(parsed.data.error.code, parsed.data.error.message);
    return new HubError('upstream_unavailable', `county hub answered ${res.status}`);
  }

  async function json<S extends z.ZodType>(schema: S, path: string, init: RequestInit & { token?: string } = {}): Promise<z.output<S>> {
    const res = await send(path, init);
    if (!res.ok) throw await refusal(res, init.token === undefined);
    const parsed = schema.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw new HubError('upstream_unavailable', `county hub answered something that is not ${path}'s response`);
    return parsed.data;
  }

  return {
    counters,
    send,
    refusal,
    json,
    /** One verified-later Range request for a blob, by the edge's own token. */
    async blobRange(sha256: string, start: number, end: number): Promise<Uint8Array> {
      await options.cap?.take(end - start + 1);
      const res = await send(EdgePaths.blob(sha256), { headers: { range: `bytes=${start}-${end}` } });
      if (res.status !== 206) throw await refusal(res, true);
      const bytes = new Uint8Array(await res.arrayBuffer());
      counters.contentBytes += bytes.length;
      if (bytes.length !== end - start + 1) throw new HubError('upstream_unavailable', `short range from county hub (${bytes.length} bytes)`);
      return bytes;
    },
  };
}
