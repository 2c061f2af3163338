// The edge route with a scripted fetch and a fake clock: content goes to the edge while it answers; an edge that
// refuses connections, answers 502 or names another school sends the same request to the county hub at once; a
// request in flight when the edge is found dead is cancelled and sent to the county; a probe brings the edge back —
// on the route's own timer (fake here), with no request needed; live asks it where to join and reports a dead edge.
import { describe, expect, it } from 'vitest';
import { createEdgeRoute, type EdgeRouteState, type RouteTimers } from './edge-route.ts';

/** Intervals on the rig's fake clock: `advance` fires each one as often as its period fits. */
function fakeIntervals(now: () => number) {
  type Entry = { fn: () => void; ms: number; next: number };
  const entries = new Map<number, Entry>();
  let ids = 0;
  const timers: RouteTimers = {
    setInterval: (fn, ms) => {
      entries.set(++ids, { fn, ms, next: now() + ms });
      return ids as unknown as ReturnType<typeof setInterval>;
    },
    clearInterval: (handle) => void entries.delete(handle as unknown as number),
  };
  const fireUntil = (t: number) => {
    for (;;) {
      const due = [...entries.values()].filter((e) => e.next <= t).sort((a, b) => a.next - b.next)[0];
      if (!due) return;
      due.next += due.ms;
      due.fn();
    }
  };
  return { timers, fireUntil, count: () => entries.size };
}

const COUNTY = 'http://county:8787';
const EDGE = 'http://edge.lan:8788';
const BLOB = `${COUNTY}/v1/content/blobs/${'a'.repeat(64)}`;

function rig(options: { edge?: 'up' | 'down' | 'upstream' | 'wrong_school' | 'hang' } = {}) {
  let clock = 0;
  let edge = options.edge ?? 'up';
  let edgeLive = true;
  const calls: string[] = [];
  const changes: EdgeRouteState[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    calls.push(url);
    if (!url.startsWith(EDGE)) return new Response('county', { status: 200 });
    if (edge === 'down') throw new TypeError('fetch failed: ECONNREFUSED');
    if ((edge === 'upstream' || edge === 'wrong_school') && url.endsWith('/v1/health')) return new Response('{}', { status: 200 });
    if (edge === 'up' && url.endsWith('/v1/health')) return new Response(JSON.stringify({ live: edgeLive }), { status: 200 });
    if (edge === 'upstream') return new Response('{"error":{"code":"upstream_unavailable","message":"x"}}', { status: 502 });
    if (edge === 'wrong_school') return new Response('{"error":{"code":"wrong_school","message":"x"}}', { status: 403 });
    if (edge === 'hang' && !url.endsWith('/v1/health')) {
      return new Promise<Response>((_, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)));
    }
    if (edge === 'hang') throw new TypeError('timeout');
    return new Response('edge', { status: 200 });
  }) as typeof fetch;
  const intervals = fakeIntervals(() => clock);
  const route = createEdgeRoute({ countyUrl: COUNTY, edgeUrl: EDGE, fetch: fetchImpl, now: () => clock, onChange: (s) => changes.push(s), timers: intervals.timers });
  const settle = () => new Promise((r) => setTimeout(r, 0));
  /** Moves the clock in 1 s steps, firing the route's timer and letting each probe's answer land. */
  const pass = async (ms: number) => {
    for (let t = 0; t < ms; t += 1_000) {
      clock += 1_000;
      intervals.fireUntil(clock);
      await settle();
    }
  };
  return {
    route,
    calls,
    changes,
    setEdge: (next: typeof edge) => (edge = next),
    setEdgeLive: (live: boolean) => (edgeLive = live),
    advance: (ms: number) => (clock += ms),
    pass,
    intervals,
    settle,
    body: async (url = BLOB) => (await route.fetch(url)).text(),
  };
}

describe('edge route', () => {
  it('sends content to the edge and everything else to the county hub', async () => {
    const r = rig();
    expect(await r.body()).toBe('edge');
    expect(await r.body(`${COUNTY}/v1/content/packs`)).toBe('edge');
    expect(await r.body(`${COUNTY}/v1/sync/push`)).toBe('county');
    expect(await r.body(`${COUNTY}/v1/enroll`)).toBe('county');
    expect(r.calls).toEqual([BLOB.replace(COUNTY, EDGE), `${EDGE}/v1/content/packs`, `${COUNTY}/v1/sync/push`, `${COUNTY}/v1/enroll`]);
  });

  it('uses the county hub only when no edge is set', async () => {
    const calls: string[] = [];
    const route = createEdgeRoute({ countyUrl: COUNTY, edgeUrl: null, fetch: ((u: string) => (calls.push(u), Promise.resolve(new Response('c')))) as typeof fetch, now: () => 0 });
    await route.fetch(BLOB);
    expect(calls).toEqual([BLOB]);
    expect(route.state().using).toBe('county');
  });

  it.each([
    ['down', 'unreachable'],
    ['upstream', 'upstream'],
    ['wrong_school', 'wrong_school'],
  ] as const)('an edge that is %s: the same request goes to the county hub at once (%s)', async (edge, problem) => {
    const r = rig({ edge });
    expect(await r.body()).toBe('county');
    expect(r.route.state()).toMatchObject({ using: 'county', problem });
    expect(r.calls.at(-1)).toBe(BLOB);
    // The next content request goes straight to the county hub: no edge attempt until the retry is due.
    r.calls.length = 0;
    expect(await r.body()).toBe('county');
    expect(r.calls).toEqual([BLOB]);
  });

  it('returns to the edge when a probe finds it back, and does not probe more than once per period', async () => {
    const r = rig({ edge: 'down' });
    await r.body();
    r.setEdge('up');
    r.advance(1_000);
    await r.body();
    expect(r.calls.filter((c) => c.endsWith('/v1/health'))).toEqual([]);
    r.advance(5_000);
    expect(await r.body()).toBe('county'); // this one still goes to the county; it starts the probe
    await r.settle();
    expect(r.route.state()).toMatchObject({ using: 'edge', problem: null });
    expect(await r.body()).toBe('edge');
    expect(r.changes.map((c) => c.using)).toEqual(['county', 'edge']);
  });

  it('does not try an edge of another school again for ten minutes', async () => {
    const r = rig({ edge: 'wrong_school' });
    await r.body();
    r.advance(60_000);
    await r.body();
    await r.settle();
    expect(r.route.state().using).toBe('county');
    expect(r.calls.some((c) => c.endsWith('/v1/health'))).toBe(false);
    r.advance(10 * 60_000);
    await r.body();
    await r.settle();
    expect(r.calls.some((c) => c.endsWith('/v1/health'))).toBe(true);
    expect(await r.body()).toBe('county'); // tried again, refused again by name
    expect(r.route.state().problem).toBe('wrong_school');
  });

  it('cancels requests stuck on a dead edge when the probe fails, and sends them to the county hub', async () => {
    const r = rig({ edge: 'hang' });
    const stuck = r.route.fetch(BLOB);
    r.advance(5_000);
    const next = r.route.fetch(BLOB); // due for a recheck: the probe fails and the edge is dropped
    expect(await (await stuck).text()).toBe('county');
    expect(await (await next).text()).toBe('county');
    expect(r.route.state()).toMatchObject({ using: 'county', problem: 'unreachable' });
  });

  it('passes the caller’s cancellation through without falling back', async () => {
    const r = rig({ edge: 'hang' });
    const controller = new AbortController();
    const pending = r.route.fetch(BLOB, { signal: controller.signal });
    controller.abort(new DOMException('paused', 'AbortError'));
    await expect(pending).rejects.toThrow(/paused/);
    expect(r.calls.filter((c) => c.startsWith(COUNTY))).toEqual([]);
  });

  it('returns to the edge by its own probe, without any request, within one retry period', async () => {
    const r = rig({ edge: 'down' });
    await r.body();
    r.setEdge('up');
    r.calls.length = 0;
    await r.pass(4_000);
    expect(r.route.state().using).toBe('county'); // not due yet: one probe per retry period
    await r.pass(1_000);
    expect(r.calls).toEqual([`${EDGE}/v1/health`]);
    expect(r.route.state()).toMatchObject({ using: 'edge', problem: null });
  });

  it('finds an idle edge dead by its own probe and keeps probing every period while it stays down', async () => {
    const r = rig();
    r.setEdge('down');
    await r.pass(5_000);
    expect(r.route.state()).toMatchObject({ using: 'county', problem: 'unreachable' });
    r.calls.length = 0;
    await r.pass(15_000);
    expect(r.calls).toEqual([`${EDGE}/v1/health`, `${EDGE}/v1/health`, `${EDGE}/v1/health`]);
    expect(r.route.state().using).toBe('county');
  });

  it('tells live where to join and drops the edge when live could not reach it', async () => {
    const r = rig();
    expect(r.route.liveUrl()).toBe(EDGE);
    r.route.liveFailed(COUNTY); // the county failing says nothing about the edge
    expect(r.route.liveUrl()).toBe(EDGE);
    r.route.liveFailed(`${EDGE}/`);
    expect(r.route.state()).toMatchObject({ using: 'county', problem: 'unreachable' });
    expect(r.route.liveUrl()).toBe(COUNTY);
    await r.pass(5_000); // the edge answers its probe again: live goes back there too
    expect(r.route.liveUrl()).toBe(EDGE);
  });

  it('stops its timer when closed; a route without an edge runs none', () => {
    const r = rig();
    expect(r.intervals.count()).toBe(1);
    r.route.close();
    expect(r.intervals.count()).toBe(0);
    const intervals = fakeIntervals(() => 0);
    createEdgeRoute({ countyUrl: COUNTY, edgeUrl: null, fetch, now: () => 0, timers: intervals.timers });
    expect(intervals.count()).toBe(0);
  });

  it('leaves live to the county hub when the edge says it has no SFU, and content on the edge', async () => {
    const r = rig();
    r.setEdgeLive(false);
    await r.pass(1_000); // the first tick probes an edge in use at once
    expect(r.route.liveUrl()).toBe(COUNTY);
    expect(r.route.state()).toMatchObject({ using: 'edge', edgeLive: false });
    expect(r.changes.at(-1)).toMatchObject({ using: 'edge', edgeLive: false }); // live hears it (watchServer)
    expect(await r.body()).toBe('edge');
    r.setEdgeLive(true);
    await r.pass(5_000);
    expect(r.route.liveUrl()).toBe(EDGE);
  });
});
