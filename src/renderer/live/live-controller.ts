// The one owner of a live lesson's mediasoup-client objects (Device, receive transport, consumers: live-media.ts) and
// its signalling socket, outside React (STYLE rule 6). React reads plain state from the store and calls the commands
// below. Everything that moves time or state is a parameter (store, activity bus, timers, clock, randomness, the Device
// and WebSocket factories, the log), so recovery and adaptation run in unit tests with a fake clock.
//
// Recovery is automatic and the screen says which side is missing:
// - socket lost (hub stopped, killed or unreachable) → phase `reconnecting` (与中心的连接中断), retry every ~1.5 s
//   (jittered) until the hub answers, then rejoin;
// - joined but the lead classroom is not on air → phase `waiting` (主讲教室尚未开始); media starts on the hub's
//   `onAir` notification, whenever it comes;
// - ICE disconnected/failed → restartIce, then a new transport, then a new socket (ice-repair.ts); a second with
//   nothing arriving is shown before that (`stalledSince`, live-video.ts). Joining is one round trip when the hub's
//   codecs are known (router-caps.ts). Thin links: source-adaptation.ts; layers by picture size: layer-for-box.ts.
import { Device } from 'mediasoup-client';
import type { types as msc } from 'mediasoup-client';
import { backoffMs } from '../../shared/backoff.ts';
import type { ConsumerInfo, LiveNotification, QuizPush, TransportInfo } from '../../shared/live-protocol.ts';
import { emptySourceStats, emptyStats, initialLiveState, useLive, type LiveCommand, type LiveState } from '../stores/live-store.ts';
import { setLiveActivity } from './live-events.ts';
import { browserTimers, type LiveControllerDeps, type LiveDevice, type LiveStore, type LiveTimers } from './live-deps.ts';
import { LiveMedia } from './live-media.ts';
import { openLiveSocket, LiveRequestError, type LiveSocket } from './live-socket.ts';
import { repairIce } from './ice-repair.ts';
import { startReturnCamera, type ReturnCamera } from './return-camera.ts';
import { sameCaps } from './router-caps.ts';
import { LiveVideo, type PictureSizes } from './live-video.ts';

export type { LiveControllerDeps, LiveDevice, LiveStore, LiveTimers } from './live-deps.ts';
type TimerHandle = ReturnType<typeof setTimeout>;
type Caps = Record<string, unknown>;

/** Errors after which retrying cannot help; the player says why instead of spinning. */
const FINAL_CODES = new Set(['forbidden', 'unauthorized', 'device_revoked', 'not_found', 'live_unavailable', 'client_too_old']);
/** Reconnect attempts: after ~0.5 s, ~1 s, then every ~1.5 s (each ×0.5–1.5, shared/backoff.ts) for as long as the
 *  hub is away. A failed attempt costs one refused TCP connection, and a classroom is back within ~2 s of its hub
 *  (issue 11: playing again ≤ 5 s after it). */
export const RECONNECT = { minMs: 500, maxMs: 1_500 } as const;
const STATS_EVERY_MS = 1_000;
/** Until the first picture, figures are read this often: the screen (and a test) sees it within a frame or two. */
const FIRST_FRAME_POLL_MS = 50;


type Prepared = { transport: TransportInfo; consumers: ConsumerInfo[] };

export class LiveController {
  /** The screen attaches these once; tracks are swapped inside them on every (re)consume. */
  readonly videoStream: MediaStream;
  readonly coursewareStream: MediaStream;
  readonly audioStream: MediaStream;

  private readonly store: LiveStore;
  private readonly timers: LiveTimers;
  private readonly now: () => number;
  private readonly random: () => number;
  private device: LiveDevice | null = null;
  private deviceCaps: Caps | null = null;
  private socket: LiveSocket | null = null;
  private media: LiveMedia | null = null;
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
  private firstFrameTimer: TimerHandle | null = null;
  private readonly video: LiveVideo;
  /** Prepared by the lesson page (connected, consumers held): not playing, not "a lesson on" for the rest of the app. */
  private previewing = false;
  private engaged = false;
  /** The server joined last (the school edge or the county hub), and the subscription to where to join. */
  private serverUrl = '';
  private unwatchServer: (() => void) | null = null;

  constructor(private readonly deps: LiveControllerDeps) {
    this.store = deps.store ?? useLive;
    this.timers = deps.timers ?? browserTimers;
    this.now = deps.now ?? (() => Date.now());
    this.random = deps.random ?? Math.random;
    this.video = new LiveVideo({ state: () => this.state(), set: (patch) => this.set(patch), viewportWidth: deps.viewportWidth, now: this.now, log: (level, message) => this.log(level, message) });
    const createStream = deps.createStream ?? (() => new MediaStream());
    this.videoStream = createStream();
    this.coursewareStream = createStream();
    this.audioStream = createStream();
  }

  private state(): LiveState {
    return this.store.getState();
  }

  private set(patch: Partial<LiveState>) {
    if (!this.stopped) this.store.setState(patch);
  }

  private log(level: 'info' | 'warn' | 'error', message: string) {
    this.deps.log?.(level, `live ${this.deps.lessonId}: ${message}`);
  }

  private activity(active: boolean) {
    (this.deps.onActivity ?? setLiveActivity)({ active, lessonId: active ? this.deps.lessonId : null });
  }

  /**
   * `preview`: the lesson's page is open and the teacher is about to tap 进入直播 — join, transport, ICE and DTLS are
   * done now, the consumers held on the hub (nothing flows); play() then only asks for them (one round trip).
   */
  start(options: { preview?: boolean } = {}) {
    this.previewing = options.preview ?? false;
    this.store.setState({ ...initialLiveState, lessonId: this.deps.lessonId, phase: 'connecting' });
    if (!this.previewing) this.engage();
    this.statsTimer = this.timers.setInterval(() => void this.pollStats(), STATS_EVERY_MS);
    this.unwatchServer = this.deps.watchServer?.(() => this.followServer()) ?? null;
    void this.connect();
  }

  /** Where to join changed (the school edge came back, or was dropped): rejoin there, as after a lost socket. */
  private followServer() {
    const target = this.deps.serverUrl?.() ?? this.deps.hubUrl;
    if (this.stopped || !this.socket || target === this.serverUrl) return;
    this.log('info', `moving from ${this.serverUrl} to ${target}`);
    this.socket.close();
  }

  /** The lesson is on for the rest of the app: downloads stand aside, the display stays awake. */
  private engage() {
    this.engaged = true;
    this.activity(true);
    void this.deps.keepAwake(true).catch(() => undefined);
  }

  /** 进入直播 on a controller the lesson page prepared (start({ preview: true })). */
  async play() {
    if (!this.previewing || this.stopped) return;
    this.previewing = false;
    this.engage();
    await this.media?.play().catch((error: unknown) => {
      this.log('warn', `resume failed, reconnecting: ${error instanceof Error ? error.message : String(error)}`);
      this.socket?.close();
    });
    await this.applyVideo();
  }

  async stop() {
    if (this.stopped) return;
    this.unwatchServer?.();
    // The class left mid-lesson: the recording picks up here.
    if (this.state().phase === 'playing' && !this.previewing) this.noteStopped();
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
    if (!this.engaged) return;
    this.activity(false);
    await this.deps.keepAwake(false).catch(() => undefined);
  }

  // ---- commands: each failure is logged and shown with the command's name and the reason --------------------------

  private async command(name: LiveCommand, run: () => Promise<void>): Promise<boolean> {
    try {
      await run();
      if (this.state().commandError?.command === name) this.set({ commandError: null });
      return true;
    } catch (error) {
      const code = error instanceof LiveRequestError ? error.code : error instanceof DOMException ? error.name : 'failed';
      const message = error instanceof Error ? error.message : String(error);
      this.log('warn', `${name} failed: ${code}: ${message}`);
      this.set({ commandError: { command: name, code, message } });
      return false;
    }
  }

  private requireSocket(): LiveSocket {
    if (!this.socket) throw new LiveRequestError('closed', 'not connected to the hub');
    return this.socket;
  }

  /** The teacher's 低带宽模式: audio + courseware (audio only without courseware); switched off, the picture climbs back. */
  setLowBandwidth(forced: boolean) {
    return this.command('lowBandwidth', async () => {
      this.set({ forcedLowBandwidth: forced });
      // Back from it: the SFU's bandwidth estimate fell with the video, so let it (not an old cap) decide again.
      if (!forced) this.video.restart();
      await this.applyVideo();
    });
  }

  raiseHand(raised: boolean) {
    return this.command('raiseHand', async () => {
      await this.requireSocket().request('raiseHand', { raised });
      this.set({ handRaised: raised });
    });
  }

  /** The classroom's camera to the lead console (optional, ≤ 300 kbps). */
  setCamera(on: boolean) {
    return this.command('camera', async () => {
      if (!on) {
        const camera = this.camera;
        this.camera = null;
        this.set({ cameraOn: false });
        await camera?.stop();
        return;
      }
      if (this.camera) return;
      if (!this.device) throw new LiveRequestError('closed', 'not connected to the hub');
      this.camera = await startReturnCamera(this.device, this.requireSocket(), navigator.mediaDevices);
      this.set({ cameraOn: true });
    });
  }

  ask(text: string) {
    return this.command('question', async () => void (await this.requireSocket().request('question', { text })));
  }

  /** One tap: the courseware and the teacher trade places (big picture and inset); the SFU is asked for fitting layers. */
  swap() {
    return this.command('swap', async () => {
      this.set({ main: this.state().main === 'courseware' ? 'camera' : 'courseware' });
      // The camera's size changed: allow the layer that size wants (the adaptation steps down again if it cannot play).
      this.video.resized();
      await this.applyVideo();
    });
  }

  /** The stage measured its pictures (device px, ResizeObserver): each video gets the layer its size needs. */
  setPictureSizes = (sizes: PictureSizes) => this.video.setSizes(sizes) && void this.applyVideo();
  // ---- connection --------------------------------------------------------------------------------------------------

  private async loadDevice(caps: Caps): Promise<LiveDevice> {
    const device = await (this.deps.createDevice ?? (() => Device.factory()))();
    // A Device loaded beforehand (live-warmup.ts) with these same cached capabilities is ready as it is.
    if (!device.loaded) await device.load({ routerRtpCapabilities: caps });
    this.device = device;
    this.deviceCaps = caps;
    return device;
  }

  private async connect() {
    const generation = ++this.generation;
    const server = (this.serverUrl = this.deps.serverUrl?.() ?? this.deps.hubUrl);
    try {
      // With the hub's codecs known, the Device loads while the socket opens and the join brings the media.
      const cached = this.device ? null : (this.deps.routerCaps?.() ?? null);
      const early = cached ? this.loadDevice(cached).catch(() => null) : null;
      const socket = await openLiveSocket({
        hubUrl: server,
        createWebSocket: this.deps.createWebSocket,
        onNotification: (n) => this.onNotification(n, generation),
        onClosed: () => this.onSocketLost(generation),
      });
      if (generation !== this.generation) return socket.close();
      this.socket = socket;
      const device = early ? await early : this.device;
      const media = device ? { rtpCapabilities: device.rtpCapabilities as unknown as Caps, forceTcp: this.deps.forceTcp ?? false } : undefined;
      const asked = this.now();
      const joined = await socket.request('join', { lessonId: this.deps.lessonId, token: this.deps.token, role: 'viewer', ...(media ? { media } : {}) });
      if (generation !== this.generation) return;
      this.set({
        lessonTitle: joined.lessonTitle,
        ...(joined.serverTime !== undefined ? { serverOffsetMs: joined.serverTime - Math.round((asked + this.now()) / 2) } : {}),
      });
      let prepared: Prepared | undefined = joined.media;
      if (!this.device || !sameCaps(this.deviceCaps, joined.routerRtpCapabilities)) {
        prepared = undefined; // media made for other capabilities: take the usual way on the transport the join made
        await this.loadDevice(joined.routerRtpCapabilities);
      }
      this.failures = 0;
      if (joined.quizPush) this.showQuiz(joined.quizPush);
      // An onAir notification may have come while the device loaded; the join answer is the state at join time and
      // the queue applies changes in order, so the last word wins either way.
      this.queueMedia(joined.onAir, generation, prepared ?? (joined.media ? { transport: joined.media.transport, consumers: [] } : undefined));
    } catch (error) {
      const final = error instanceof LiveRequestError && FINAL_CODES.has(error.code);
      // Told even when the socket's close already scheduled the retry: the route then picks the county for it.
      if (!final && !this.stopped) this.deps.onServerFailed?.(server, error instanceof LiveRequestError ? error.code : 'closed');
      if (generation !== this.generation) return;
      if (final && error instanceof LiveRequestError) {
        this.set({ phase: 'refused', error: { code: error.code, message: error.message } });
        this.socket?.close();
        return;
      }
      this.log('info', `join failed, retrying: ${error instanceof Error ? error.message : String(error)}`);
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

  /** The hub-clock moment the live stream stopped for this classroom (told once per interruption). */
  private noteStopped() {
    const at = this.now() + this.state().serverOffsetMs;
    this.set({ stoppedAt: at });
    this.deps.onStopped?.(at);
  }

  /** An interruption: the hub is away (`reconnecting`) or the lead classroom went off air (`waiting`). */
  private markOutage(phase: 'reconnecting' | 'waiting') {
    const state = this.state();
    const interrupted = phase === 'reconnecting' || state.hasPlayed;
    // Off air after 下课 is the end of the lesson, not a gap this class missed.
    if (state.phase === 'playing' && !this.previewing && !(phase === 'waiting' && state.lessonEnded)) this.noteStopped();
    this.set({
      phase,
      // A stall that turns out to be a lost hub is one interruption: its seconds go on counting.
      outageSince: interrupted ? (state.outageSince ?? state.stalledSince ?? this.now()) : null,
      stalledSince: null,
      // Outages, not attempts: one hub restart is one reconnect however many tries it took.
      reconnects: state.reconnects + (phase === 'reconnecting' && state.phase !== 'reconnecting' ? 1 : 0),
    });
  }

  private onNotification(n: LiveNotification, generation: number) {
    if (generation !== this.generation) return;
    switch (n.type) {
      case 'onAir':
        if (n.onAir) this.set({ lessonEnded: false });
        return this.queueMedia(n.onAir, generation);
      case 'layers':
        this.media?.noteLayer(n.consumerId, n.spatialLayer);
        return this.set({ spatialLayer: n.spatialLayer });
      case 'bandwidth':
        return this.set({ availableKbps: n.availableKbps });
      case 'quizPush':
        return this.showQuiz(n.push);
      case 'quizClosed':
        if (this.state().quizPush?.pushId === n.pushId) this.set({ quizPush: null });
        return;
      case 'lessonEnded':
        return this.set({ lessonEnded: true, quizPush: null });
      case 'recording':
        if (n.state === 'ready') this.deps.onRecordingReady?.();
        return;
      default:
        return;
    }
  }

  /** 答题器: on screen at once; stored with its quiz so the runner can record answers (a failed store is said, not lost). */
  private showQuiz(push: QuizPush) {
    this.set({ quizPush: push });
    void this.deps.onQuizPush?.(push).catch((error: unknown) => {
      this.log('error', `question ${push.question.id} of quiz ${push.quizId} not stored: ${error instanceof Error ? error.message : String(error)}`);
      this.set({ commandError: { command: 'question', code: 'storage', message: error instanceof Error ? error.message : String(error) } });
    });
  }

  /** Brings media in line with the broadcast being on air or not, after whatever media work is already queued. */
  private queueMedia(onAir: boolean, generation: number, prepared?: Prepared) {
    const epoch = ++this.mediaEpoch;
    this.mediaQueue = this.mediaQueue
      .then(async () => {
        if (generation !== this.generation || epoch !== this.mediaEpoch || this.stopped) return;
        if (onAir) await this.startMedia(generation, epoch, prepared);
        else {
          this.closeMedia();
          this.markOutage('waiting');
        }
      })
      .catch((error: unknown) => {
        // A media start that failed half-way (the hub restarted under it, a producer vanished): start over cleanly.
        this.log('warn', `media start failed, reconnecting: ${error instanceof Error ? error.message : String(error)}`);
        if (generation === this.generation) this.socket?.close();
      });
  }

  // ---- media -------------------------------------------------------------------------------------------------------

  private closeMedia() {
    if (this.firstFrameTimer) this.timers.clearTimeout(this.firstFrameTimer);
    this.firstFrameTimer = null;
    this.media?.close();
    this.media = null;
    // Nothing is received any more: show no stale figures.
    this.set({ stats: emptyStats, courseware: emptySourceStats, totalKbps: 0, spatialLayer: null, sources: { camera: false, courseware: false } });
  }

  private async startMedia(generation: number, epoch: number, prepared?: Prepared) {
    const socket = this.socket;
    const device = this.device;
    if (!socket || !device) return;
    const current = () => generation === this.generation && epoch === this.mediaEpoch && !this.stopped;
    let media = this.media;
    let consumers = prepared?.consumers ?? [];
    if (media && media.transport.connectionState === 'connected' && !prepared) {
      // Same connection, different broadcast (courseware added or stopped): new consumers on the transport we have.
      consumers = (await socket.request('consume', { transportId: media.transport.id, rtpCapabilities: device.rtpCapabilities, audioOnly: false })).consumers;
      if (!current()) return;
      await media.replace(consumers, current);
    } else {
      this.closeMedia();
      const info = prepared?.transport ?? (await socket.request('createRecvTransport', { forceTcp: this.deps.forceTcp ?? false }));
      if (!current()) return;
      media = LiveMedia.open(
        device,
        socket,
        info,
        { camera: this.videoStream, courseware: this.coursewareStream, audio: this.audioStream },
        (state, transport) => this.onIceState(state, transport, generation),
        (error) => {
          this.log('warn', `connectTransport failed, reconnecting: ${error instanceof Error ? error.message : String(error)}`);
          if (generation === this.generation) this.socket?.close();
        },
      );
      this.media = media;
      if (this.previewing) media.hold();
      if (consumers.length === 0) consumers = (await socket.request('consume', { transportId: media.transport.id, rtpCapabilities: device.rtpCapabilities, audioOnly: false })).consumers;
      if (!current()) return;
      await media.consume(consumers, current);
    }
    if (!current()) return;
    this.watchFirstFrame(media);
    this.set({ sources: media.sources(), spatialLayers: media.spatialLayers('camera') });
    this.video.restart();
    await this.applyVideo();
    if (current() && media.transport.connectionState === 'connected') this.markPlaying();
  }

  private markPlaying() {
    this.set({ phase: 'playing', outageSince: null, stalledSince: null, error: null, hasPlayed: true });
  }

  private onIceState(state: msc.ConnectionState, transport: msc.Transport, generation: number) {
    if (generation !== this.generation || transport !== this.media?.transport) return;
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
      current: () => generation === this.generation && transport === this.media?.transport && !this.stopped,
      recreateTransport: () => {
        this.closeMedia(); // a new transport, not new consumers on the broken one
        this.queueMedia(true, generation);
        return this.mediaQueue;
      },
      restartSocket: () => this.socket?.close(),
      sleep: (ms) => new Promise<void>((resolve) => this.timers.setTimeout(resolve, ms)),
    }).finally(() => (this.repairing = false));
  }

  /** Tells the SFU what this classroom wants of each video (live-video.ts). */
  private async applyVideo() {
    if (this.socket) await this.video.apply(this.media);
  }

  /** Reads the figures every FIRST_FRAME_POLL_MS until a picture is decoded (then the once-a-second poll goes on alone). */
  private watchFirstFrame(media: LiveMedia) {
    if (this.firstFrameTimer) this.timers.clearTimeout(this.firstFrameTimer);
    let polls = 0;
    const tick = () => {
      this.firstFrameTimer = null;
      const { stats, courseware } = this.state();
      if (this.media !== media || this.stopped || stats.framesDecoded > 0 || courseware.framesDecoded > 0 || ++polls > 200) return;
      void this.video.sample(media, false).finally(() => {
        if (this.media === media && !this.firstFrameTimer) this.firstFrameTimer = this.timers.setTimeout(tick, FIRST_FRAME_POLL_MS);
      });
    };
    this.firstFrameTimer = this.timers.setTimeout(tick, FIRST_FRAME_POLL_MS);
  }

  private async pollStats() {
    if (this.media && !this.stopped) await this.video.sample(this.media, true);
  }
}
