// The one owner of a live lesson's mediasoup-client objects (Device, receive transport, consumers) and its signalling
// socket, outside React (STYLE rule 6). React reads plain state from the store and calls the commands below.
// Everything that moves time or state is a parameter (store, activity bus, timers, clock, randomness, the Device and
// WebSocket factories), so the recovery paths run in unit tests with a fake clock (live-controller.test.ts).
//
// Recovery is automatic and the screen says which side is missing:
// - socket lost (hub stopped, killed or unreachable) → phase `reconnecting` (与中心的连接中断), retry every ~1.5 s
//   (jittered) until the hub answers, then rejoin;
// - joined but the lead classroom is not on air → phase `waiting` (主讲教室尚未开始); media starts on the hub's
//   `onAir` notification, whenever it comes;
// - ICE disconnected/failed → restartIce, then a new transport, then a new socket (ice-repair.ts).
import { Device } from 'mediasoup-client';
import type { types as msc } from 'mediasoup-client';
import { backoffMs } from '../../shared/backoff.ts';
import type { LiveNotification } from '../../shared/live-protocol.ts';
import { emptyStats, initialLiveState, useLive, type LiveState, type LiveStats } from '../stores/live-store.ts';
import { setLiveActivity, type LiveActivity } from './live-events.ts';
import { openLiveSocket, LiveRequestError, type LiveSocket } from './live-socket.ts';
import { adaptStep, initialAdaptState, type AdaptState } from './adaptation.ts';
import { repairIce } from './ice-repair.ts';
import { layerForWidth, readStats, type StatsSample } from './live-stats.ts';
import { startReturnCamera, type ReturnCamera } from './return-camera.ts';

export type LiveStore = { getState(): LiveState; setState(patch: Partial<LiveState>): void };
type TimerHandle = ReturnType<typeof setTimeout>;
export type LiveTimers = {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
};
/** The part of mediasoup-client's Device the controller uses (tests pass a fake). */
export type LiveDevice = Pick<Device, 'loaded' | 'load' | 'rtpCapabilities' | 'createRecvTransport' | 'createSendTransport'>;

export type LiveControllerDeps = {
  hubUrl: string;
  token: string;
  lessonId: string;
  createWebSocket: (url: string) => WebSocket;
  keepAwake: (on: boolean) => Promise<void>;
  viewportWidth: () => number;
  store?: LiveStore;
  /** The activity bus (live-events.ts): downloads yield while a lesson plays. */
  onActivity?: (activity: LiveActivity) => void;
  timers?: LiveTimers;
  now?: () => number;
  random?: () => number;
  createDevice?: () => Promise<LiveDevice>;
  createStream?: () => MediaStream;
  /** ICE-TCP only: for a school whose firewall drops UDP (ICE finds TCP by itself too; this skips the UDP wait). */
  forceTcp?: boolean;
};

/** Errors after which retrying cannot help; the player says why instead of spinning. */
const FINAL_CODES = new Set(['forbidden', 'unauthorized', 'device_revoked', 'not_found', 'live_unavailable', 'client_too_old']);
/** Reconnect attempts: after ~0.5 s, ~1 s, then every ~1.5 s (each ×0.5–1.5, shared/backoff.ts) for as long as the
 *  hub is away. A failed attempt costs one refused TCP connection, and a classroom is back within ~2 s of its hub
 *  (issue 11: playing again ≤ 5 s after it). */
export const RECONNECT = { minMs: 500, maxMs: 1_500 } as const;
const STATS_EVERY_MS = 1_000;

const browserTimers: LiveTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h),
};

export class LiveController {
  /** The screen attaches these once; tracks are swapped inside them on every (re)consume. */
  readonly videoStream: MediaStream;
  readonly audioStream: MediaStream;

  private readonly store: LiveStore;
  private readonly timers: LiveTimers;
  private readonly now: () => number;
  private readonly random: () => number;
  private device: LiveDevice | null = null;
  private socket: LiveSocket | null = null;
  private transport: msc.Transport | null = null;
  private consumers: msc.Consumer[] = [];
  private camera: ReturnCamera | null = null;
  private stopped = false;
  /** Bumped on every reconnect: work started for an older connection stops when it sees a newer one. */
  private generation = 0;
  /** Bumped on every on-air change: a media start for an older broadcast stops when it sees a newer one. */
  private mediaEpoch = 0;
  /** Media starts and stops run one at a time, in the order the hub's notifications came. */
  private mediaQueue: Promise<void> = Promise.resolve();
  private failures = 0;
  private repairing = false;
  private retryTimer: TimerHandle | null = null;
  private statsTimer: TimerHandle | null = null;
  private sample: StatsSample | null = null;
  private adaptation: AdaptState = initialAdaptState(0);

  constructor(private readonly deps: LiveControllerDeps) {
    this.store = deps.store ?? useLive;
    this.timers = deps.timers ?? browserTimers;
    this.now = deps.now ?? (() => Date.now());
    this.random = deps.random ?? Math.random;
    const createStream = deps.createStream ?? (() => new MediaStream());
    this.videoStream = createStream();
    this.audioStream = createStream();
  }

  private state(): LiveState {
    return this.store.getState();
  }

  private set(patch: Partial<LiveState>) {
    if (!this.stopped) this.store.setState(patch);
  }

  private activity(active: boolean) {
    (this.deps.onActivity ?? setLiveActivity)({ active, lessonId: active ? this.deps.lessonId : null });
  }

  start() {
    this.store.setState({ ...initialLiveState, lessonId: this.deps.lessonId, phase: 'connecting' });
    this.activity(true);
    void this.deps.keepAwake(true).catch(() => undefined);
    this.statsTimer = this.timers.setInterval(() => void this.pollStats(), STATS_EVERY_MS);
    void this.connect();
  }

  async stop() {
    if (this.stopped) return;
    this.store.setState({ phase: 'stopped' });
    this.stopped = true;
    this.generation++;
    this.mediaEpoch++;
    if (this.statsTimer) this.timers.clearInterval(this.statsTimer);
    if (this.retryTimer) this.timers.clearTimeout(this.retryTimer);
    this.closeMedia();
    void this.camera?.stop();
    this.camera = null;
    this.socket?.close();
    this.socket = null;
    this.activity(false);
    await this.deps.keepAwake(false).catch(() => undefined);
  }

  /** The teacher's 低带宽模式: audio only until switched off; switched off, the picture climbs back by itself. */
  async setLowBandwidth(forced: boolean) {
    this.set({ forcedLowBandwidth: forced });
    // Back from audio only: start again from the middle layer and climb as on joining (a clean link is back at the full
    // picture within seconds), instead of keeping whatever cap the adaptation had before.
    if (!forced) this.adaptation = initialAdaptState(this.maxLayer());
    await this.applyVideo();
  }

  async raiseHand(raised: boolean) {
    await this.socket?.request('raiseHand', { raised });
    this.set({ handRaised: raised });
  }

  /** The classroom's camera to the lead console (optional, ≤ 300 kbps). */
  async setCamera(on: boolean) {
    if (!on) {
      const camera = this.camera;
      this.camera = null;
      this.set({ cameraOn: false });
      await camera?.stop();
      return;
    }
    if (this.camera || !this.device || !this.socket) return;
    this.camera = await startReturnCamera(this.device, this.socket, navigator.mediaDevices);
    this.set({ cameraOn: true });
  }

  async ask(text: string) {
    if (!this.socket) throw new LiveRequestError('closed', 'not connected');
    await this.socket.request('question', { text });
  }

  // ---- connection --------------------------------------------------------------------------------------------------

  private async connect() {
    const generation = ++this.generation;
    try {
      const socket = await openLiveSocket({
        hubUrl: this.deps.hubUrl,
        createWebSocket: this.deps.createWebSocket,
        onNotification: (n) => this.onNotification(n, generation),
        onClosed: () => this.onSocketLost(generation),
      });
      if (generation !== this.generation) return socket.close();
      this.socket = socket;
      const joined = await socket.request('join', { lessonId: this.deps.lessonId, token: this.deps.token, role: 'viewer' });
      if (generation !== this.generation) return;
      this.set({ lessonTitle: joined.lessonTitle });
      if (!this.device) {
        const device = await (this.deps.createDevice ?? (() => Device.factory()))();
        await device.load({ routerRtpCapabilities: joined.routerRtpCapabilities });
        this.device = device;
      }
      this.failures = 0;
      // An onAir notification may have come while the device loaded; the join answer is the state at join time and
      // the queue applies changes in order, so the last word wins either way.
      this.queueMedia(joined.onAir, generation);
    } catch (error) {
      if (generation !== this.generation) return;
      if (error instanceof LiveRequestError && FINAL_CODES.has(error.code)) {
        this.set({ phase: 'refused', error: { code: error.code, message: error.message } });
        this.socket?.close();
        return;
      }
      if (this.socket) this.socket.close(); // → onSocketLost → retry
      else this.onSocketLost(generation);
    }
  }

  private onSocketLost(generation: number) {
    if (this.stopped || generation !== this.generation || this.state().phase === 'refused') return;
    this.generation++;
    this.mediaEpoch++;
    this.socket = null;
    this.closeMedia();
    void this.setCamera(false); // the hub dropped it with the session; the teacher turns it on again if wanted
    this.markOutage('reconnecting');
    const delay = backoffMs(++this.failures, this.random, RECONNECT);
    if (this.retryTimer) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) void this.connect();
    }, delay);
  }

  /** An interruption: the hub is away (`reconnecting`) or the lead classroom went off air (`waiting`). */
  private markOutage(phase: 'reconnecting' | 'waiting') {
    const state = this.state();
    const interrupted = phase === 'reconnecting' || state.hasPlayed;
    this.set({
      phase,
      outageSince: interrupted ? (state.outageSince ?? this.now()) : null,
      // Outages, not attempts: one hub restart is one reconnect however many tries it took.
      reconnects: state.reconnects + (phase === 'reconnecting' && state.phase !== 'reconnecting' ? 1 : 0),
    });
  }

  private onNotification(n: LiveNotification, generation: number) {
    if (generation !== this.generation) return;
    if (n.type === 'onAir') this.queueMedia(n.onAir, generation);
    else if (n.type === 'layers') this.set({ spatialLayer: n.spatialLayer });
  }

  /** Brings media in line with the broadcast being on air or not, after whatever media work is already queued. */
  private queueMedia(onAir: boolean, generation: number) {
    const epoch = ++this.mediaEpoch;
    this.mediaQueue = this.mediaQueue
      .then(async () => {
        if (generation !== this.generation || epoch !== this.mediaEpoch || this.stopped) return;
        if (onAir) await this.startMedia(generation, epoch);
        else {
          this.closeMedia();
          this.markOutage('waiting');
        }
      })
      .catch(() => {
        // A media start that failed half-way (the hub restarted under it, a producer vanished): start over cleanly.
        if (generation === this.generation) this.socket?.close();
      });
  }

  // ---- media -------------------------------------------------------------------------------------------------------

  private closeMedia() {
    for (const c of this.consumers) c.close();
    this.consumers = [];
    this.transport?.close();
    this.transport = null;
    for (const t of [...this.videoStream.getTracks(), ...this.audioStream.getTracks()]) {
      this.videoStream.removeTrack(t);
      this.audioStream.removeTrack(t);
    }
    this.sample = null;
    this.set({ stats: emptyStats, spatialLayer: null }); // nothing is received any more: show no stale figures
  }

  private async startMedia(generation: number, epoch: number) {
    const socket = this.socket;
    const device = this.device;
    if (!socket || !device) return;
    const current = () => generation === this.generation && epoch === this.mediaEpoch && !this.stopped;
    this.closeMedia();
    const info = await socket.request('createRecvTransport', { forceTcp: this.deps.forceTcp ?? false });
    if (!current()) return;
    const transport = device.createRecvTransport({
      id: info.id,
      iceParameters: info.iceParameters as msc.IceParameters,
      iceCandidates: info.iceCandidates as msc.IceCandidate[],
      dtlsParameters: info.dtlsParameters as msc.DtlsParameters,
    });
    this.transport = transport;
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      socket.request('connectTransport', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
    });
    transport.on('connectionstatechange', (state) => this.onIceState(state, transport, generation));
    const { consumers } = await socket.request('consume', { transportId: transport.id, rtpCapabilities: device.rtpCapabilities, audioOnly: false });
    for (const info of consumers) {
      const consumer = await transport.consume({ id: info.id, producerId: info.producerId, kind: info.kind, rtpParameters: info.rtpParameters as msc.RtpParameters });
      if (!current()) return consumer.close();
      this.consumers.push(consumer);
      (info.kind === 'video' ? this.videoStream : this.audioStream).addTrack(consumer.track);
      if (info.kind === 'video') {
        this.set({ spatialLayers: info.spatialLayers });
        this.adaptation = initialAdaptState(this.maxLayer());
      }
    }
    if (consumers.length > 0) await socket.request('resume', { consumerIds: consumers.map((c) => c.id) });
    await this.applyVideo();
    if (current() && transport.connectionState === 'connected') this.markPlaying();
  }

  private markPlaying() {
    this.set({ phase: 'playing', outageSince: null, error: null, hasPlayed: true });
  }

  private onIceState(state: msc.ConnectionState, transport: msc.Transport, generation: number) {
    if (generation !== this.generation || transport !== this.transport) return;
    if (state === 'connected') return this.markPlaying();
    if (state === 'disconnected' || state === 'failed') {
      if (this.state().phase !== 'reconnecting') this.markOutage('reconnecting');
      void this.repair(transport, generation);
    }
  }

  /** ICE lost: see ice-repair.ts. One repair at a time; a recreated transport gets its own if it fails too. */
  private async repair(transport: msc.Transport, generation: number) {
    if (this.repairing) return;
    this.repairing = true;
    await repairIce({
      transport,
      socket: this.socket,
      current: () => generation === this.generation && transport === this.transport && !this.stopped,
      recreateTransport: () => {
        this.queueMedia(true, generation);
        return this.mediaQueue;
      },
      restartSocket: () => this.socket?.close(),
      sleep: (ms) => new Promise<void>((resolve) => this.timers.setTimeout(resolve, ms)),
    }).finally(() => (this.repairing = false));
  }

  private maxLayer() {
    return layerForWidth(this.deps.viewportWidth(), this.state().spatialLayers);
  }

  /** Tells the SFU the highest layer this viewer wants (adaptation and window size), or pauses video (audio only). */
  private async applyVideo() {
    const video = this.consumers.find((c) => c.kind === 'video');
    if (!video || !this.socket) return;
    const { forcedLowBandwidth } = this.state();
    this.set({ autoLowBandwidth: this.adaptation.audioOnly, layerCap: this.adaptation.cap });
    await this.socket
      .request('setVideo', {
        consumerId: video.id,
        maxSpatialLayer: Math.min(this.adaptation.cap, this.maxLayer()),
        paused: forcedLowBandwidth || this.adaptation.audioOnly,
      })
      .catch(() => undefined);
  }

  private async pollStats() {
    const video = this.consumers.find((c) => c.kind === 'video');
    const audio = this.consumers.find((c) => c.kind === 'audio');
    if (!this.transport || this.stopped) return;
    try {
      const [v, a, t] = await Promise.all([video?.getStats() ?? null, audio?.getStats() ?? null, this.transport.getStats()]);
      const { stats, sample } = readStats({ video: v, audio: a, transport: t }, this.sample, this.now());
      const audioFlowing = stats.audioPackets > this.state().stats.audioPackets;
      this.sample = sample;
      this.set({ stats });
      await this.adapt(stats, audioFlowing);
    } catch {
      this.set({ stats: emptyStats });
    }
  }

  /** One adaptation step per stats sample; the SFU hears about it only when the decision changes. */
  private async adapt(stats: LiveStats, audioFlowing: boolean) {
    const state = this.state();
    if (state.phase !== 'playing' || state.forcedLowBandwidth) return;
    const before = this.adaptation;
    const { fps, lossPct, nackPct } = stats;
    this.adaptation = adaptStep(before, { fps, lossPct, nackPct, audioFlowing, maxCap: this.maxLayer(), now: this.now() });
    if (this.adaptation.cap !== before.cap || this.adaptation.audioOnly !== before.audioOnly) await this.applyVideo();
  }
}
