// Where the LiveController joins, with the real edge route (sync/edge-route.ts) on fake clocks and two scripted hubs
// over real WebSockets (the school edge and the county): it joins where the route says; an edge that is gone is
// reported, dropped, and the next attempt joins the county without a click; when the route finds the edge back, the
// controller moves there by itself; a join the edge refuses as another school's sends it to the county too.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket, WebSocketServer } from 'ws';
import { createStore } from 'zustand/vanilla';
import { LIVE_PROTOCOL_VERSION } from '../../shared/live-protocol.ts';
import { initialLiveState, type LiveState } from '../stores/live-store.ts';
import { createEdgeRoute, type EdgeRoute, type RouteTimers } from '../sync/edge-route.ts';
import { LiveController, type LiveDevice, type LiveTimers } from './live-controller.ts';

/** One fake clock for the controller's timers and the route's probe ticker: nothing runs until `advance`. */
function fakeClock() {
  let now = 0;
  let ids = 1;
  const due = new Map<number, { at: number; fn: () => void; every?: number }>();
  const h = (id: number) => id as unknown as ReturnType<typeof setTimeout>;
  const timers: LiveTimers & RouteTimers = {
    setTimeout: (fn, ms) => (due.set(ids, { at: now + ms, fn }), h(ids++)),
    clearTimeout: (x) => void due.delete(x as unknown as number),
    setInterval: (fn, ms) => (due.set(ids, { at: now + ms, fn, every: ms }), h(ids++)),
    clearInterval: (x) => void due.delete(x as unknown as number),
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const next = [...due.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      now = next[1].at;
      if (next[1].every) next[1].at += next[1].every;
      else due.delete(next[0]);
      next[1].fn();
    }
    now = until;
  };
  return { timers, now: () => now, advance };
}

/** A hub that answers `join` (not on air, so no media is needed) or refuses it with a code; it can die and return
 *  on the same address. */
async function scriptedHub(refuse: string | null = null) {
  const joins: string[] = [];
  let server: WebSocketServer | null = null;
  let port = 0;
  const listen = async () => {
    const s = new WebSocketServer({ host: '127.0.0.1', port });
    await new Promise((r) => s.once('listening', r));
    port = (s.address() as { port: number }).port;
    s.on('connection', (ws) => {
      ws.on('message', (raw: Buffer) => {
        const r = JSON.parse(raw.toString()) as { id: number; method: string };
        if (r.method === 'join') joins.push(r.method);
        const base = { v: LIVE_PROTOCOL_VERSION, kind: 'response', id: r.id };
        if (r.method === 'join' && refuse) return ws.send(JSON.stringify({ ...base, ok: false, error: { code: refuse, message: 'no' } }));
        ws.send(JSON.stringify({ ...base, ok: true, data: r.method === 'join' ? { peerId: 'p', routerRtpCapabilities: {}, onAir: false, lessonTitle: '直播' } : {} }));
      });
    });
    server = s;
  };
  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    joins,
    listen,
    /** As a killed process: sockets cut, nothing listening. */
    async kill() {
      const s = server;
      server = null;
      if (!s) return;
      for (const ws of s.clients) ws.terminate();
      await new Promise((r) => s.close(r));
    },
  };
}

async function until(what: string, condition: () => boolean) {
  for (let i = 0; i < 1000; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('LiveController: the school edge or the county hub (edge route, fake clocks)', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function rig(edgeRefuses: string | null = null) {
    const county = await scriptedHub();
    const edge = await scriptedHub(edgeRefuses);
    cleanup.push(() => county.kill());
    cleanup.push(() => edge.kill());
    const clock = fakeClock();
    let edgeUp = true;
    const listeners = new Set<() => void>();
    const probe = ((input: RequestInfo | URL) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (url.startsWith(edge.url) && !edgeUp) return Promise.reject(new TypeError('fetch failed: ECONNREFUSED'));
      return Promise.resolve(new Response('{}', { status: 200 }));
    }) as typeof fetch;
    const route: EdgeRoute = createEdgeRoute({ countyUrl: county.url, edgeUrl: edge.url, fetch: probe, now: clock.now, timers: clock.timers, onChange: () => listeners.forEach((l) => l()) });
    const store = createStore<LiveState>(() => initialLiveState);
    const device = { loaded: false, rtpCapabilities: { codecs: [] }, load: () => Promise.resolve() } as unknown as LiveDevice;
    const controller = new LiveController({
      hubUrl: county.url,
      serverUrl: () => route.liveUrl(),
      onServerFailed: (url, code) => route.liveFailed(url, code === 'wrong_school' ? 'wrong_school' : 'unreachable'),
      watchServer: (listener) => (listeners.add(listener), () => void listeners.delete(listener)),
      token: 'device-token-0123456789',
      lessonId: 'les-live-demo',
      createWebSocket: (url) => {
        const ws = new NodeWebSocket(url);
        ws.on('error', () => undefined);
        return ws as unknown as WebSocket;
      },
      keepAwake: () => Promise.resolve(),
      viewportWidth: () => 1366,
      store,
      onActivity: () => undefined,
      timers: clock.timers,
      now: clock.now,
      random: () => 0.5,
      createDevice: () => Promise.resolve(device),
      createStream: () => ({ getTracks: () => [], addTrack: () => undefined, removeTrack: () => undefined }) as unknown as MediaStream,
    });
    cleanup.push(() => controller.stop());
    cleanup.push(() => route.close());
    const phase = () => store.getState().phase;
    return { county, edge, clock, route, controller, phase, setEdgeUp: (up: boolean) => (edgeUp = up) };
  }

  it('joins at the edge; edge killed → the county without a click; edge back → the edge again', async () => {
    const r = await rig();
    r.controller.start();
    await until('joined at the edge', () => r.phase() === 'waiting' && r.edge.joins.length === 1);
    expect(r.county.joins).toHaveLength(0);

    await r.edge.kill();
    r.setEdgeUp(false);
    await until('reconnecting', () => r.phase() === 'reconnecting');
    // The first retry tries the edge (the route has not noticed yet), is refused, and the route drops the edge; the
    // next one joins the county. The clock moves in small steps while real sockets open and fail in between.
    const lostAt = r.clock.now();
    for (let i = 0; i < 200 && r.county.joins.length === 0; i++) {
      r.clock.advance(100);
      await new Promise((res) => setTimeout(res, 10));
    }
    await until('joined at the county', () => r.county.joins.length === 1 && r.phase() === 'waiting');
    expect(r.route.state()).toMatchObject({ using: 'county', problem: 'unreachable' });
    expect(r.clock.now() - lostAt).toBeLessThanOrEqual(2_000); // two reconnect steps (0.5 s + 1 s), well inside 5 s

    // … and the route's own probe finds the edge back: the controller moves there by itself (no request, no click).
    await r.edge.listen();
    r.setEdgeUp(true);
    r.clock.advance(5_000);
    await until('the route uses the edge again', () => r.route.state().using === 'edge');
    await until('reconnecting to move', () => r.phase() === 'reconnecting');
    for (let i = 0; i < 200 && r.edge.joins.length < 2; i++) {
      r.clock.advance(100);
      await new Promise((res) => setTimeout(res, 10));
    }
    await until('joined at the edge again', () => r.edge.joins.length === 2 && r.phase() === 'waiting');
    expect(r.county.joins).toHaveLength(1);
  });

  it('an edge that says the classroom is another school’s: the county, without a click', async () => {
    const r = await rig('wrong_school');
    r.controller.start();
    await until('refused at the edge', () => r.edge.joins.length === 1);
    await until('the route dropped the edge', () => r.route.state().problem === 'wrong_school');
    r.clock.advance(500);
    await until('joined at the county', () => r.county.joins.length === 1 && r.phase() === 'waiting');
  });
});
