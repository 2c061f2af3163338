// The LiveController's recovery paths, on an injected clock: a scripted hub over a real WebSocket server (the `ws`
// package), a fake mediasoup Device (no WebRTC under Node), a plain store. What a real hub, SFU and Chromium do is
// covered by tests/e2e/live-recovery.test.ts; this checks the decisions and their timing without waiting for them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket, WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { LIVE_PROTOCOL_VERSION, type LiveNotification, type QuizPush } from '../../shared/live-protocol.ts';
import { initialLiveState, type LiveState } from '../stores/live-store.ts';
import type { LiveActivity } from './live-events.ts';
import { LiveController, RECONNECT, type LiveDevice, type LiveTimers } from './live-controller.ts';

// ---- a fake clock: timers run only when the test advances it ------------------------------------------------------
function fakeClock() {
  let now = 1_000_000;
  let nextId = 1;
  const due = new Map<number, { at: number; fn: () => void; every?: number }>();
  const handle = (id: number) => id as unknown as ReturnType<typeof setTimeout>;
  const timers: LiveTimers = {
    setTimeout: (fn, ms) => (due.set(nextId, { at: now + ms, fn }), handle(nextId++)),
    clearTimeout: (h) => void due.delete(h as unknown as number),
    setInterval: (fn, ms) => (due.set(nextId, { at: now + ms, fn, every: ms }), handle(nextId++)),
    clearInterval: (h) => void due.delete(h as unknown as number),
  };
  return {
    timers,
    now: () => now,
    /** Delays of the one-shot timers waiting now (the reconnect timer, a repair's sleep). */
    pendingDelays: () => [...due.values()].filter((t) => t.every === undefined).map((t) => t.at - now),
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const next = [...due.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!next) break;
        const [id, t] = next;
        now = t.at;
        if (t.every) t.at += t.every;
        else due.delete(id);
        t.fn();
      }
      now = until;
    },
  };
}

// ---- a fake Device: transports that "connect" when the test says so ----------------------------------------------
/** What the fake consumers decode per stats sample (per second). */
const media = { fps: 25 };
class FakeTransport {
  connectionState = 'new';
  closed = false;
  private readonly listeners = new Map<string, ((...args: unknown[]) => void)[]>();
  constructor(readonly id: string) {}
  on(event: string, listener: (...args: unknown[]) => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }
  consume(info: { id: string; kind: 'audio' | 'video' }) {
    // Each getStats() (one a second on the fake clock) is one more second of media: audio packets always, video frames
    // at the rate the test sets (25 unless it says otherwise), and no loss: a clean link.
    let packets = 0;
    let frames = 0;
    const getStats = () => {
      packets += 50;
      frames += media.fps;
      const inbound = { id: info.id, type: 'inbound-rtp', kind: info.kind, framesDecoded: frames, packetsReceived: packets, packetsLost: 0, nackCount: 0, frameWidth: 640, frameHeight: 360 };
      return Promise.resolve(new Map([[info.id, inbound]]));
    };
    return Promise.resolve({ id: info.id, kind: info.kind, track: { id: `track-${info.id}` }, close: () => undefined, getStats });
  }
  getStats() {
    return Promise.resolve(new Map());
  }
  close() {
    this.closed = true;
  }
  setState(state: string) {
    this.connectionState = state;
    for (const listener of this.listeners.get('connectionstatechange') ?? []) listener(state);
  }
}

function fakeDevice() {
  const transports: FakeTransport[] = [];
  const device = {
    loaded: false,
    rtpCapabilities: { codecs: [] },
    load: () => Promise.resolve(),
    createRecvTransport: ({ id }: { id: string }) => {
      const t = new FakeTransport(id);
      transports.push(t);
      return t;
    },
    createSendTransport: () => {
      throw new Error('not in these tests');
    },
  };
  return { device: device as unknown as LiveDevice, transports };
}

function fakeStream() {
  const tracks: unknown[] = [];
  return {
    getTracks: () => [...tracks],
    addTrack: (t: unknown) => void tracks.push(t),
    removeTrack: (t: unknown) => void tracks.splice(tracks.indexOf(t), 1),
  } as unknown as MediaStream;
}

// ---- a scripted hub: answers the viewer's requests as the real one does ------------------------------------------
type Request = { id: number; method: string; data: Record<string, unknown> };
function scriptedHub() {
  let server: WebSocketServer | null = null;
  let port = 0;
  const sockets = new Set<ServerSocket>();
  const requests: Request[] = [];
  const hub = {
    onAir: true,
    refuseWith: null as string | null,
    /** Refuse this method (after join) with this code, to test how a failed command is shown. */
    failMethod: null as { method: string; code: string } | null,
    serverTime: undefined as number | undefined,
    consumers: (n: number): unknown[] => [
      { id: `v${n}`, producerId: 'pv', kind: 'video', rtpParameters: {}, spatialLayers: 3 },
      { id: `a${n}`, producerId: 'pa', kind: 'audio', rtpParameters: {}, spatialLayers: 1 },
    ],
    requests,
    async listen() {
      server = new WebSocketServer({ host: '127.0.0.1', port });
      await new Promise((r) => server?.once('listening', r));
      port = (server.address() as { port: number }).port;
      server.on('connection', (ws) => {
        sockets.add(ws);
        ws.on('close', () => sockets.delete(ws));
        ws.on('message', (raw: Buffer) => hub.answer(ws, JSON.parse(raw.toString()) as Request));
      });
    },
    /** Stops as a killed hub does: sockets cut, nothing listening. */
    async kill() {
      for (const ws of sockets) ws.terminate();
      await new Promise((r) => server?.close(r));
      server = null;
    },
    url: () => `http://127.0.0.1:${port}`,
    notify(notification: LiveNotification) {
      for (const ws of sockets) ws.send(JSON.stringify({ v: LIVE_PROTOCOL_VERSION, kind: 'notification', notification }));
    },
    answer(ws: ServerSocket, r: Request) {
      requests.push(r);
      const ok = (data: unknown) => ws.send(JSON.stringify({ v: LIVE_PROTOCOL_VERSION, kind: 'response', id: r.id, ok: true, data }));
      const refuse = (code: string) => ws.send(JSON.stringify({ v: LIVE_PROTOCOL_VERSION, kind: 'response', id: r.id, ok: false, error: { code, message: 'no' } }));
      if (r.method === 'join' && hub.refuseWith) return refuse(hub.refuseWith);
      if (r.method === hub.failMethod?.method) return refuse(hub.failMethod.code);
      const transport = { id: `t${requests.length}`, iceParameters: {}, iceCandidates: [], dtlsParameters: {} };
      const joinMedia = r.data.media ? { media: { transport, consumers: hub.onAir ? hub.consumers(requests.length) : [] } } : {};
      const answers: Record<string, unknown> = {
        join: { peerId: 'p1', routerRtpCapabilities: {}, onAir: hub.onAir, lessonTitle: '直播：有理数的乘法', serverTime: hub.serverTime, ...joinMedia },
        createRecvTransport: transport,
        consume: { consumers: hub.consumers(requests.length) },
      };
      ok(answers[r.method] ?? {});
    },
  };
  return hub;
}

/** Real socket traffic happens on the real event loop: wait (a bounded number of turns) for a condition. The bound is
 *  generous (~20 s): with the hub's SFU and ffmpeg tests beside it on a loaded machine, 5 s was not always enough. */
async function until(what: string, condition: () => boolean) {
  for (let i = 0; i < 4000; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('LiveController recovery (fake clock, scripted hub)', () => {
  let hub: ReturnType<typeof scriptedHub>;
  let clock: ReturnType<typeof fakeClock>;
  let store: StoreApi<LiveState>;
  let devices: ReturnType<typeof fakeDevice>;
  let activity: LiveActivity[];
  let controller: LiveController;

  beforeEach(async () => {
    hub = scriptedHub();
    await hub.listen();
    clock = fakeClock();
    store = createStore<LiveState>(() => initialLiveState);
    devices = fakeDevice();
    activity = [];
    controller = new LiveController({
      hubUrl: hub.url(),
      token: 'device-token-0123456789',
      lessonId: 'les-live-demo',
      createWebSocket: (url) => {
        const ws = new NodeWebSocket(url);
        ws.on('error', () => undefined); // a browser WebSocket reports a refused connection as an event, never a throw
        return ws as unknown as WebSocket;
      },
      keepAwake: () => Promise.resolve(),
      viewportWidth: () => 1366,
      store,
      onActivity: (a) => activity.push(a),
      timers: clock.timers,
      now: clock.now,
      random: () => 0.5, // no jitter: the backoff's nominal steps
      createDevice: () => Promise.resolve(devices.device),
      createStream: fakeStream,
    });
  });
  afterEach(async () => {
    await controller.stop();
    await hub.kill();
  });

  const phase = () => store.getState().phase;
  const lastTransport = () => devices.transports.at(-1);

  it('waits for the lead classroom (尚未开始) and starts media on its onAir notification', async () => {
    hub.onAir = false;
    controller.start();
    await until('waiting', () => phase() === 'waiting');
    expect(store.getState()).toMatchObject({ hasPlayed: false, outageSince: null, lessonTitle: '直播：有理数的乘法' });
    expect(activity).toEqual([{ active: true, lessonId: 'les-live-demo' }]);
    hub.notify({ type: 'onAir', onAir: true });
    await until('a transport', () => devices.transports.length === 1 && hub.requests.some((r) => r.method === 'resume'));
    lastTransport()?.setState('connected');
    expect(phase()).toBe('playing');
  });

  it('says the lead classroom paused (not the hub) when the broadcast stops after playing, from the injected clock', async () => {
    controller.start();
    await until('a transport', () => devices.transports.length === 1);
    lastTransport()?.setState('connected');
    clock.advance(3_000);
    hub.notify({ type: 'onAir', onAir: false });
    await until('waiting', () => phase() === 'waiting');
    expect(store.getState()).toMatchObject({ hasPlayed: true, outageSince: clock.now() });
    expect(lastTransport()?.closed).toBe(true);
  });

  it('hub gone: reconnecting, an attempt every ≤ 2.25 s for as long as it lasts, then plays again by itself', async () => {
    controller.start();
    await until('a transport', () => devices.transports.length === 1);
    lastTransport()?.setState('connected');
    // Killed once media was resumed (the resume goes after the local set-up's awaits): the rejoin must resume again.
    await until('the first resume', () => hub.requests.some((r) => r.method === 'resume'));
    await hub.kill();
    await until('reconnecting', () => phase() === 'reconnecting');
    const outageSince = store.getState().outageSince;
    expect(outageSince).toBe(clock.now());
    // Each failed attempt schedules the next: 0.5 s, 1 s, then 1.5 s for as long as the hub is away.
    const delays: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      await until('a retry timer', () => clock.pendingDelays().length === 1);
      const [delay] = clock.pendingDelays();
      delays.push(delay ?? -1);
      clock.advance(delay ?? 0);
      await until('the attempt to fail', () => clock.pendingDelays().length === 1 || phase() !== 'reconnecting');
    }
    expect(delays).toEqual([RECONNECT.minMs, 1_000, RECONNECT.maxMs, RECONNECT.maxMs, RECONNECT.maxMs]);
    expect(Math.max(...delays) * 1.5).toBeLessThanOrEqual(2_250); // with the widest jitter: every ≤ 2.25 s
    expect(store.getState()).toMatchObject({ phase: 'reconnecting', outageSince, reconnects: 1 });
    await hub.listen(); // the hub is back on the same address
    await until('the next attempt to be scheduled', () => clock.pendingDelays().length === 1);
    clock.advance(RECONNECT.maxMs);
    await until('a new transport', () => devices.transports.length === 2 && hub.requests.filter((r) => r.method === 'resume').length === 2);
    lastTransport()?.setState('connected');
    expect(store.getState()).toMatchObject({ phase: 'playing', outageSince: null, hasPlayed: true });
  });

  it('a refusal is final: says why and schedules no retry', async () => {
    hub.refuseWith = 'forbidden';
    controller.start();
    await until('refused', () => phase() === 'refused');
    expect(store.getState().error).toMatchObject({ code: 'forbidden' });
    expect(clock.pendingDelays()).toEqual([]);
  });

  const lastSetVideo = () => hub.requests.filter((r) => r.method === 'setVideo').at(-1)?.data;

  /** One stats poll a second on the fake clock, each followed by the adaptation's request (if any) to the hub. */
  async function playSeconds(n: number) {
    for (let i = 0; i < n; i++) {
      const polled = store.getState().stats.framesDecoded;
      clock.advance(1_000);
      await until('a stats poll', () => store.getState().stats.framesDecoded > polled);
    }
  }

  it('on a clean link climbs from the middle layer to the window’s top layer within seconds, and again after 低带宽模式', async () => {
    controller.start();
    await until('a transport', () => devices.transports.length === 1 && lastSetVideo() !== undefined);
    lastTransport()?.setState('connected');
    expect(lastSetVideo()).toMatchObject({ maxSpatialLayer: 1, paused: false });
    await playSeconds(4);
    await until('the top layer', () => lastSetVideo()?.maxSpatialLayer === 2);
    await controller.setLowBandwidth(true);
    expect(lastSetVideo()).toMatchObject({ paused: true });
    await controller.setLowBandwidth(false);
    expect(lastSetVideo()).toMatchObject({ maxSpatialLayer: 1, paused: false });
    await playSeconds(4);
    await until('the top layer again', () => lastSetVideo()?.maxSpatialLayer === 2);
  });
});

describe('LiveController: two sources, thin link, 答题器, named failures (fake clock, scripted hub)', () => {
  let hub: ReturnType<typeof scriptedHub>;
  let clock: ReturnType<typeof fakeClock>;
  let store: StoreApi<LiveState>;
  let devices: ReturnType<typeof fakeDevice>;
  let controller: LiveController;
  const pushes: QuizPush[] = [];
  const stops: number[] = [];
  const activity: LiveActivity[] = [];
  const logged: string[] = [];

  beforeEach(async () => {
    hub = scriptedHub();
    hub.consumers = (n) => [
      { id: `cam${n}`, producerId: 'pc', kind: 'video', rtpParameters: {}, spatialLayers: 3, source: 'camera' },
      { id: `cw${n}`, producerId: 'pw', kind: 'video', rtpParameters: {}, spatialLayers: 2, source: 'courseware' },
      { id: `mic${n}`, producerId: 'pa', kind: 'audio', rtpParameters: {}, spatialLayers: 1, source: 'microphone' },
    ];
    await hub.listen();
    clock = fakeClock();
    store = createStore<LiveState>(() => initialLiveState);
    devices = fakeDevice();
    media.fps = 25;
    pushes.length = 0;
    stops.length = 0;
    activity.length = 0;
    logged.length = 0;
    controller = new LiveController({
      hubUrl: hub.url(),
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
      onActivity: (a) => activity.push(a),
      timers: clock.timers,
      now: clock.now,
      random: () => 1,
      createDevice: () => Promise.resolve(devices.device),
      createStream: fakeStream,
      // The hub's codecs fetched beforehand: the join brings the media.
      routerCaps: () => ({}),
      onQuizPush: (push) => Promise.resolve(void pushes.push(push)),
      onStopped: (at) => stops.push(at),
      log: (level, message) => logged.push(`${level}: ${message}`),
    });
  });
  afterEach(async () => {
    await controller.stop();
    await hub.kill();
  });

  const playing = async () => {
    controller.start();
    await until('media set up', () => devices.transports.length === 1 && hub.requests.filter((r) => r.method === 'setVideo').length >= 2);
    devices.transports.at(-1)?.setState('connected');
    expect(store.getState().phase).toBe('playing');
  };
  const lastSetVideo = (consumerId: string) => hub.requests.filter((r) => r.method === 'setVideo' && r.data.consumerId === consumerId).at(-1)?.data;

  it('joins in one round trip: transport and consumers come with the join, resumed in one request', async () => {
    await playing();
    expect(hub.requests.map((r) => r.method).slice(0, 3)).toEqual(['join', 'resume', 'setVideo']);
    expect(hub.requests[0]?.data.media).toMatchObject({ forceTcp: false });
    expect(hub.requests.find((r) => r.method === 'resume')?.data).toEqual({ consumerIds: ['cam1', 'cw1', 'mic1'] });
    expect(hub.requests.some((r) => r.method === 'createRecvTransport' || r.method === 'consume')).toBe(false);
  });

  it('prepared on the lesson page (preview): connected with the consumers held; 进入直播 asks for them in one request', async () => {
    controller.start({ preview: true });
    await until('the transport', () => devices.transports.length === 1 && hub.requests.filter((r) => r.method === 'setVideo').length >= 2);
    devices.transports.at(-1)?.setState('connected');
    expect(hub.requests.some((r) => r.method === 'resume')).toBe(false);
    expect(activity).toEqual([]); // not a lesson on yet: downloads go on
    await controller.play();
    expect(hub.requests.filter((r) => r.method === 'resume').map((r) => r.data)).toEqual([{ consumerIds: ['cam1', 'cw1', 'mic1'] }]);
    expect(activity).toEqual([{ active: true, lessonId: 'les-live-demo' }]);
  });

  it('下课 is the end, not an interruption: no stop time is noted for the recording', async () => {
    await playing();
    hub.notify({ type: 'lessonEnded' });
    hub.notify({ type: 'onAir', onAir: false });
    await until('waiting', () => store.getState().phase === 'waiting');
    expect(store.getState().lessonEnded).toBe(true);
    expect(stops).toEqual([]);
  });

  it('shows the courseware large with the teacher inset, asking only a small camera layer; a tap swaps them', async () => {
    await playing();
    expect(store.getState()).toMatchObject({ sources: { camera: true, courseware: true }, main: 'courseware', mode: 'full' });
    expect(controller.videoStream.getTracks()).toEqual([{ id: 'track-cam1' }]);
    expect(controller.coursewareStream.getTracks()).toEqual([{ id: 'track-cw1' }]);
    // 1366 px board: the inset is ~330 px wide, so the camera's lowest layer; the courseware its top one.
    expect(lastSetVideo('cam1')).toMatchObject({ maxSpatialLayer: 0, paused: false });
    expect(lastSetVideo('cw1')).toMatchObject({ maxSpatialLayer: 1, paused: false });
    await controller.swap();
    expect(store.getState().main).toBe('camera');
    expect(lastSetVideo('cam1')).toMatchObject({ maxSpatialLayer: 2, paused: false });
    expect(lastSetVideo('cw1')).toMatchObject({ maxSpatialLayer: 0, paused: false });
  });

  it('on a thin link keeps audio and slides: camera paused, courseware on its lowest layer; climbs back by itself', async () => {
    await playing();
    hub.notify({ type: 'bandwidth', availableKbps: 120 });
    await until('the estimate', () => store.getState().availableKbps === 120);
    for (let s = 0; s < 4; s++) {
      clock.advance(1_000);
      await until('a stats sample', () => store.getState().stats.audioPackets >= 50 * (s + 1));
    }
    await until('slides mode', () => store.getState().mode === 'slides');
    await until('camera paused', () => lastSetVideo('cam1')?.paused === true);
    expect(lastSetVideo('cw1')).toMatchObject({ maxSpatialLayer: 0, paused: false });
    expect(logged.some((l) => l.includes('full → slides'))).toBe(true);
    // The link recovers: after the pause the camera is tried again on its lowest layer.
    hub.notify({ type: 'bandwidth', availableKbps: 900 });
    await until('the new estimate', () => store.getState().availableKbps === 900);
    for (let s = 0; s < 31; s++) {
      clock.advance(1_000);
      await new Promise((r) => setTimeout(r, 2));
    }
    await until('full again', () => store.getState().mode === 'full');
    await until('camera resumed', () => lastSetVideo('cam1')?.paused === false);
  });

  it('the teacher forces 低带宽模式: audio and slides stay, the camera goes', async () => {
    await playing();
    await controller.setLowBandwidth(true);
    expect(store.getState().mode).toBe('slides');
    expect(lastSetVideo('cam1')).toMatchObject({ paused: true });
    expect(lastSetVideo('cw1')).toMatchObject({ maxSpatialLayer: 0, paused: false });
  });

  it('答题器: a pushed question is on screen and stored at once, also when it was pushed before the classroom joined', async () => {
    const push: QuizPush = {
      pushId: 'push-1',
      lessonId: 'les-live-demo',
      quizId: 'live-les-live-demo',
      quizTitle: '课堂答题器',
      question: { id: 'lq1', prompt: '3 × (-4) = ?', choices: ['12', '-12'], answer: 1 },
      at: '2026-11-25T02:00:00.000Z',
    };
    await playing();
    hub.notify({ type: 'quizPush', push });
    await until('the question', () => store.getState().quizPush?.pushId === 'push-1');
    expect(pushes).toEqual([push]);
    hub.notify({ type: 'quizClosed', pushId: 'push-1' });
    await until('closed', () => store.getState().quizPush === null);
  });

  it('a failed command is logged and shown with its own name and the reason', async () => {
    await playing();
    hub.failMethod = { method: 'raiseHand', code: 'internal' };
    expect(await controller.raiseHand(true)).toBe(false);
    expect(store.getState().commandError).toMatchObject({ command: 'raiseHand', code: 'internal' });
    expect(store.getState().handRaised).toBe(false);
    expect(logged.at(-1)).toContain('raiseHand failed: internal');
    hub.failMethod = null;
    expect(await controller.raiseHand(true)).toBe(true);
    expect(store.getState().commandError).toBeNull();
  });

  it('notes by the hub’s clock when the stream stopped, for the recording to pick up there', async () => {
    hub.serverTime = clock.now() + 3_600_000; // this PC is an hour behind the hub
    await playing();
    clock.advance(5_000);
    await hub.kill();
    await until('reconnecting', () => store.getState().phase === 'reconnecting');
    expect(stops).toEqual([clock.now() + 3_600_000]);
    expect(store.getState().stoppedAt).toBe(clock.now() + 3_600_000);
    await hub.listen(); // back, so the shared clean-up can stop it again
  });
});
