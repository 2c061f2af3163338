// Which server a request goes to: content (pack list, blobs) to the school's edge when one is set and answering, else
// the county hub; everything else (enrollment, records, live) always to the county hub. It wraps `fetch`, so the
// download manager and the hub client stay as they are: they address the county hub, and this rewrites content
// requests to the edge. An edge that stops answering is dropped at once — its in-flight requests are cancelled and
// sent to the county hub, so a download never notices — and is tried again by a health probe a few seconds later.
// The route probes on its own timer (injected), not only when a request comes: a classroom that only watches a live
// lesson makes no content requests, and its return to the edge must not wait for one. Live asks `liveUrl()` for the
// server to join and reports a socket that could not reach the edge (`liveFailed`), so it rejoins at the county.
import { HubPaths } from '../../shared/protocol.ts';

export type EdgeRouteState = {
  edgeUrl: string | null;
  using: 'edge' | 'county';
  /** Why the edge is not used now (`unreachable`, `wrong_school`, `upstream`), null while it is. */
  problem: 'unreachable' | 'wrong_school' | 'upstream' | null;
  since: number;
  /** The edge serves live lessons (its health says so; an edge without an SFU leaves live to the county hub). */
  edgeLive: boolean;
};

export type EdgeRouteDeps = {
  countyUrl: string;
  edgeUrl: string | null;
  fetch: typeof fetch;
  now: () => number;
  /** How long a health probe may take before the edge counts as down. */
  probeTimeoutMs?: number;
  /** While the edge is used: how old the last good probe may get before the next request checks again. */
  recheckMs?: number;
  /** While the county is used: how often a request triggers a probe of the edge. */
  retryMs?: number;
  /** An edge of another school is not retried sooner than this (IT set a wrong address). */
  refusedRetryMs?: number;
  onChange?: (state: EdgeRouteState) => void;
  /** The route's own probe timer (default: the global ones); tests pass a fake. */
  timers?: RouteTimers;
  /** How often the timer looks whether a probe is due (a probe itself is sent only per recheck/retry period). */
  tickMs?: number;
};

type TimerHandle = ReturnType<typeof setInterval>;
export type RouteTimers = { setInterval(fn: () => void, ms: number): TimerHandle; clearInterval(handle: TimerHandle): void };
const globalTimers: RouteTimers = { setInterval: (fn, ms) => setInterval(fn, ms), clearInterval: (h) => clearInterval(h) };

const CONTENT_PREFIX = '/v1/content/';

export function createEdgeRoute(deps: EdgeRouteDeps) {
  const probeTimeoutMs = deps.probeTimeoutMs ?? 2_000;
  const recheckMs = deps.recheckMs ?? 5_000;
  const retryMs = deps.retryMs ?? 5_000;
  const refusedRetryMs = deps.refusedRetryMs ?? 10 * 60_000;
  const edgeUrl = deps.edgeUrl?.replace(/\/+$/, '') || null;
  const state: EdgeRouteState = { edgeUrl, using: edgeUrl ? 'edge' : 'county', problem: null, since: deps.now(), edgeLive: true };
  let lastGood = deps.now();
  /** The first tick probes an edge in use at once: live learns early whether the edge serves it. */
  let probedOnce = false;
  let retryAt = 0;
  let probing = false;
  const inFlight = new Set<AbortController>();

  const set = (using: EdgeRouteState['using'], problem: EdgeRouteState['problem']) => {
    if (state.using === using && state.problem === problem) return;
    Object.assign(state, { using, problem, since: deps.now() });
    deps.onChange?.({ ...state });
  };

  function markDown(problem: NonNullable<EdgeRouteState['problem']>) {
    retryAt = deps.now() + (problem === 'wrong_school' ? refusedRetryMs : retryMs);
    set('county', problem);
    for (const controller of inFlight) controller.abort(new DOMException('edge down', 'AbortError'));
  }

  /** One health request, in the background: its answer moves the route, never a caller's request. */
  function probe() {
    if (probing || !edgeUrl) return;
    probing = true;
    void deps
      .fetch(`${edgeUrl}${HubPaths.health}`, { signal: AbortSignal.timeout(probeTimeoutMs), cache: 'no-store' })
      .then(
        async (res) => {
          if (!res.ok) return markDown('unreachable');
          lastGood = deps.now();
          const body = (await res.json().catch(() => null)) as { live?: unknown } | null;
          const edgeLive = body?.live !== false; // an older edge or a county-style answer: assume it does
          if (edgeLive !== state.edgeLive) {
            state.edgeLive = edgeLive;
            if (state.using === 'edge') deps.onChange?.({ ...state });
          }
          if (state.using === 'county') set('edge', null);
        },
        () => markDown('unreachable'),
      )
      .finally(() => {
        probing = false;
      });
  }

  /** Probes the edge if one is due: while dropped every retry period, while used once the last good answer is old. */
  function probeIfDue() {
    if (!edgeUrl) return;
    const now = deps.now();
    if (state.using === 'county') {
      if (now >= retryAt) {
        retryAt = now + retryMs;
        probe();
      }
    } else if (now - lastGood >= recheckMs) {
      lastGood = now; // one probe per period, not one per chunk
      probe();
    }
  }

  function edgeTarget(url: string): string | null {
    if (!edgeUrl || !url.startsWith(`${deps.countyUrl}${CONTENT_PREFIX}`)) return null;
    probeIfDue();
    return state.using === 'edge' ? `${edgeUrl}${url.slice(deps.countyUrl.length)}` : null;
  }

  const timers = deps.timers ?? globalTimers;
  const tick = () => {
    if (!probedOnce && state.using === 'edge') {
      probedOnce = true;
      lastGood = deps.now();
      probe();
    } else probeIfDue();
  };
  const ticker = edgeUrl ? timers.setInterval(tick, deps.tickMs ?? 1_000) : null;

  async function routedFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const target = edgeTarget(url);
    if (!target) return deps.fetch(input, init);
    // The caller's signal still cancels; markDown() cancels too, and then the county hub gets the request.
    const controller = new AbortController();
    const callerSignal = init.signal;
    const onCallerAbort = () => controller.abort(callerSignal?.reason);
    if (callerSignal?.aborted) controller.abort(callerSignal.reason);
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    inFlight.add(controller);
    try {
      const response = await deps.fetch(target, { ...init, signal: controller.signal });
      if (response.status === 502 || response.status === 503 || response.status === 504) {
        markDown('upstream');
        return deps.fetch(input, init);
      }
      if (response.status === 403 && (await response.clone().text()).includes('"wrong_school"')) {
        markDown('wrong_school');
        return deps.fetch(input, init);
      }
      lastGood = deps.now();
      return response;
    } catch (error) {
      if (callerSignal?.aborted) throw error;
      if (state.using === 'edge') markDown('unreachable');
      return deps.fetch(input, init);
    } finally {
      inFlight.delete(controller);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }
  }

  return {
    fetch: routedFetch,
    state: (): EdgeRouteState => ({ ...state }),
    /** Where a live lesson should be joined now: the edge while it is used, else the county hub. */
    liveUrl: (): string => (state.using === 'edge' && state.edgeLive && edgeUrl ? edgeUrl : deps.countyUrl),
    /** Live could not join at the edge (unreachable, its county link down, another school's): drop it now, like a
     *  failed content request. A failure at the county hub says nothing about the edge. */
    liveFailed(url: string, problem: NonNullable<EdgeRouteState['problem']> = 'unreachable') {
      if (edgeUrl && url.replace(/\/+$/, '') === edgeUrl && state.using === 'edge') markDown(problem);
    },
    /** Stops the route's probe timer (the route is replaced when the identity or the edge address changes). */
    close() {
      if (ticker !== null) timers.clearInterval(ticker);
    },
  };
}
export type EdgeRoute = ReturnType<typeof createEdgeRoute>;
