// The one owner of a live lesson's mediasoup-client objects (Device, receive transport, consumers) and its signalling
// socket, outside React (STYLE rule 6). React reads plain state from `useLive` and calls the commands below.
// Recovery is automatic: socket lost → reconnect with backoff and rejoin; ICE disconnected/failed → restartIce, and if
// that does not bring it back, a new transport. All shown as "网络中断，正在重连…".
import { Device } from 'mediasoup-client';
import type { types as msc } from 'mediasoup-client';
import type { LiveNotification } from '../../shared/live-protocol.ts';
import { emptyStats, initialLiveState, useLive, type LiveState } from '../stores/live-store.ts';
import { setLiveActivity } from './live-events.ts';
import { openLiveSocket, LiveRequestError, type LiveSocket } from './live-socket.ts';
import { adaptStep, initialAdaptState, type AdaptState } from './adaptation.ts';
import { repairIce } from './ice-repair.ts';
import { layerForWidth, readStats, type StatsSample } from './live-stats.ts';
import { startReturnCamera, type ReturnCamera } from './return-camera.ts';

export type LiveControllerDeps = {
  hubUrl: string;
  token: string;
  lessonId: string;
  createWebSocket: (url: string) => WebSocket;
  keepAwake: (on: boolean) => Promise<void>;
  viewportWidth: () => number;
  now?: () => number;
  /** ICE-TCP only: for a school whose firewall drops UDP (ICE finds TCP by itself too; this skips the UDP wait). */
  forceTcp?: boolean;
};

/** Errors after which retrying cannot help; the player says why instead of spinning. */
const FINAL_CODES = new Set(['forbidden', 'unauthorized', 'device_revoked', 'not_found', 'live_unavailable', 'client_too_old']);
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 8_000;

export class LiveController {
  /** The screen attaches these once; tracks are swapped inside them on every (re)consume. */
  readonly videoStream = new MediaStream();
  readonly audioStream = new MediaStream();

  private device: Device | null = null;
  private socket: LiveSocket | null = null;
  private transport: msc.Transport | null = null;
  private consumers: msc.Consumer[] = [];
  private camera: ReturnCamera | null = null;
  private stopped = false;
  /** Bumped on every reconnect: work started for an older connection stops when it sees a newer one. */
  private generation = 0;
  private failures = 0;
  private repairing = false;
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private sample: StatsSample | null = null;
  private adaptation: AdaptState = initialAdaptState(0);
  private readonly now: () => number;

  constructor(private readonly deps: LiveControllerDeps) {
    this.now = deps.now ?? (() => Date.now());
  }

  private set(patch: Partial<LiveState>) {
    if (!this.stopped) useLive.setState(patch);
  }

  start() {
    useLive.setState({ ...initialLiveState, lessonId: this.deps.lessonId, phase: 'connecting' });
    setLiveActivity({ active: true, lessonId: this.deps.lessonId });
    void this.deps.keepAwake(true).catch(() => undefined);
    this.statsTimer = setInterval(() => void this.pollStats(), 1000);
    void this.connect();
  }

  async stop() {
    if (this.stopped) return;
    useLive.setState({ phase: 'stopped' });
    this.stopped = true;
    this.generation++;
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.closeMedia();
    void this.camera?.stop();
    this.camera = null;
    this.socket?.close();
    this.socket = null;
    setLiveActivity({ active: false, lessonId: null });
    await this.deps.keepAwake(false).catch(() => undefined);
  }

  /** The teacher's 低带宽模式: audio only until switched off. */
  async setLowBandwidth(forced: boolean) {
    this.set({ forcedLowBandwidth: forced });
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
        onNotification: (n) => void this.onNotification(n, generation),
        onClosed: () => this.onSocketLost(generation),
      });
      if (generation !== this.generation) return socket.close();
      this.socket = socket;
      const joined = await socket.request('join', { lessonId: this.deps.lessonId, token: this.deps.token, role: 'viewer' });
      this.set({ lessonTitle: joined.lessonTitle });
      if (!this.device) {
        const device = await Device.factory();
        await device.load({ routerRtpCapabilities: joined.routerRtpCapabilities });
        this.device = device;
      }
      if (joined.onAir) await this.startMedia(generation);
      else this.set({ phase: 'waiting' });
      this.failures = 0;
    } catch (error) {
      if (generation !== this.generation) return;
      if (error instanceof LiveRequestError && FINAL_CODES.has(error.code)) {
        this.set({ phase: 'refused', error: { code: error.code, message: error.message } });
        this.socket?.close();
        return;
      }
      this.socket?.close(); // → onSocketLost → retry with backoff
      if (!this.socket) this.onSocketLost(generation);
    }
  }

  private onSocketLost(generation: number) {
    if (this.stopped || generation !== this.generation || useLive.getState().phase === 'refused') return;
    this.generation++;
    this.socket = null;
    this.closeMedia();
    void this.setCamera(false); // the hub dropped it with the session; the teacher turns it on again if wanted
    this.markOutage();
    const base = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(this.failures++, 6));
    const delay = base / 2 + (Math.random() * base) / 2;
    setTimeout(() => {
      if (!this.stopped) void this.connect();
    }, delay);
  }

  private markOutage() {
    const state = useLive.getState();
    this.set({ phase: 'reconnecting', outageSince: state.outageSince ?? this.now(), reconnects: state.reconnects + 1 });
  }

  private async onNotification(n: LiveNotification, generation: number) {
    if (generation !== this.generation) return;
    if (n.type === 'onAir') {
      if (n.onAir) await this.startMedia(generation).catch(() => this.socket?.close());
      else {
        this.closeMedia();
        this.set({ phase: 'waiting' });
      }
    } else if (n.type === 'layers') this.set({ spatialLayer: n.spatialLayer });
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

  private async startMedia(generation: number) {
    const socket = this.socket;
    const device = this.device;
    if (!socket || !device) return;
    this.closeMedia();
    const info = await socket.request('createRecvTransport', { forceTcp: this.deps.forceTcp ?? false });
    if (generation !== this.generation) return;
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
      if (generation !== this.generation) return;
      this.consumers.push(consumer);
      (info.kind === 'video' ? this.videoStream : this.audioStream).addTrack(consumer.track);
      if (info.kind === 'video') {
        this.set({ spatialLayers: info.spatialLayers });
        this.adaptation = initialAdaptState(this.maxLayer());
      }
    }
    if (consumers.length > 0) await socket.request('resume', { consumerIds: consumers.map((c) => c.id) });
    await this.applyVideo();
    if (transport.connectionState === 'connected') this.set({ phase: 'playing', outageSince: null, error: null });
  }

  private onIceState(state: msc.ConnectionState, transport: msc.Transport, generation: number) {
    if (generation !== this.generation || transport !== this.transport) return;
    if (state === 'connected') {
      this.set({ phase: 'playing', outageSince: null, error: null });
      return;
    }
    if (state === 'disconnected' || state === 'failed') {
      if (useLive.getState().phase !== 'reconnecting') this.markOutage();
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
      recreateTransport: () => this.startMedia(generation),
      restartSocket: () => this.socket?.close(),
    }).finally(() => (this.repairing = false));
  }

  private maxLayer() {
    return layerForWidth(this.deps.viewportWidth(), useLive.getState().spatialLayers);
  }

  /** Tells the SFU the highest layer this viewer wants (adaptation and window size), or pauses video (audio only). */
  private async applyVideo() {
    const video = this.consumers.find((c) => c.kind === 'video');
    if (!video || !this.socket) return;
    const { forcedLowBandwidth } = useLive.getState();
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
      const audioFlowing = stats.audioPackets > useLive.getState().stats.audioPackets;
      this.sample = sample;
      this.set({ stats });
      await this.adapt(stats.fps, audioFlowing);
    } catch {
      this.set({ stats: emptyStats });
    }
  }

  /** One adaptation step per stats sample; the SFU hears about it only when the decision changes. */
  private async adapt(fps: number, audioFlowing: boolean) {
    const state = useLive.getState();
    if (state.phase !== 'playing' || state.forcedLowBandwidth) return;
    const before = this.adaptation;
    this.adaptation = adaptStep(before, { fps, audioFlowing, maxCap: this.maxLayer(), now: this.now() });
    if (this.adaptation.cap !== before.cap || this.adaptation.audioOnly !== before.audioOnly) await this.applyVideo();
  }
}
