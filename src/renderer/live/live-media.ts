// One connection's media: the receive transport and a consumer per source on air (the teacher's camera, the courseware,
// the microphone), their tracks in the screen's streams, the layer/pause asked of the SFU for each video, and their
// figures. Made by the LiveController for each (re)connection or broadcast change, closed with it.
import type { types as msc } from 'mediasoup-client';
import type { ConsumerInfo, MediaSource, TransportInfo } from '../../shared/live-protocol.ts';
import { emptySourceStats, type LiveStats, type SourceStats } from '../stores/live-store.ts';
import type { LiveDevice } from './live-deps.ts';
import type { LiveSocket } from './live-socket.ts';
import { readStats, transportKbps, type StatsSample } from './live-stats.ts';
import type { VideoPlan } from './source-adaptation.ts';

export type LiveStreams = { camera: MediaStream; courseware: MediaStream; audio: MediaStream };
type Entry = { consumer: msc.Consumer; source: MediaSource; spatialLayers: number; stream: MediaStream; layer?: number | null };
export type MediaFigures = { camera: LiveStats; courseware: SourceStats; totalKbps: number };

/** An older hub names no source: its one video is the camera. */
const sourceOf = (info: ConsumerInfo): MediaSource => info.source ?? (info.kind === 'audio' ? 'microphone' : 'camera');

export class LiveMedia {
  private entries: Entry[] = [];
  /** What was last asked of the SFU per consumer, so a plan that did not change costs no request. */
  private readonly asked = new Map<string, string>();
  private samples: { camera: StatsSample | null; courseware: StatsSample | null; bytes: { at: number; bytes: number } | null } = { camera: null, courseware: null, bytes: null };
  private closed = false;
  /** Resumed on the hub (media flows). False while the lesson page only prepares the connection (live-warmup.ts). */
  private playing = true;
  private readonly resumed = new Set<string>();

  private constructor(
    readonly transport: msc.Transport,
    private readonly socket: LiveSocket,
    private readonly streams: LiveStreams,
  ) {}

  /** A receive transport from the hub's answer (join with media, or createRecvTransport), wired to signalling. */
  static open(
    device: LiveDevice,
    socket: LiveSocket,
    info: TransportInfo,
    streams: LiveStreams,
    onState: (state: msc.ConnectionState, transport: msc.Transport) => void,
    onConnectFailed: (error: unknown) => void,
  ): LiveMedia {
    const transport = device.createRecvTransport({
      id: info.id,
      iceParameters: info.iceParameters as msc.IceParameters,
      iceCandidates: info.iceCandidates as msc.IceCandidate[],
      dtlsParameters: info.dtlsParameters as msc.DtlsParameters,
    });
    // ICE starts only once this callback is called. The hub needs the DTLS parameters before the DTLS handshake, which
    // comes after ICE's round trip: so go on at once and let the request travel alongside (one round trip saved on
    // joining). If the hub refuses them, the transport never connects and the controller starts over.
    transport.on('connect', ({ dtlsParameters }, callback) => {
      socket.request('connectTransport', { transportId: transport.id, dtlsParameters }).catch(onConnectFailed);
      callback();
    });
    transport.on('connectionstatechange', (state) => onState(state, transport));
    return new LiveMedia(transport, socket, streams);
  }

  /**
   * Resumes them all in one request and, meanwhile, creates the consumers locally and puts their tracks on screen. The
   * request goes first: nothing reaches the browser before ICE and DTLS are up (which only start with the local
   * consumers), so its round trip overlaps the set-up instead of following it.
   */
  async consume(consumers: ConsumerInfo[], current: () => boolean): Promise<void> {
    const resumed = this.playing ? this.resume(consumers.map((c) => c.id)) : Promise.resolve();
    resumed.catch(() => undefined); // awaited below; a failure before that must not count as unhandled
    for (const info of consumers) {
      const consumer = await this.transport.consume({ id: info.id, producerId: info.producerId, kind: info.kind, rtpParameters: info.rtpParameters as msc.RtpParameters });
      if (!current() || this.closed) return consumer.close();
      const source = sourceOf(info);
      const stream = source === 'courseware' ? this.streams.courseware : source === 'camera' ? this.streams.camera : this.streams.audio;
      this.entries.push({ consumer, source, spatialLayers: info.spatialLayers, stream });
      stream.addTrack(consumer.track);
    }
    await resumed;
    // play() came while these were being made: they go too.
    if (this.playing) await this.resume(this.entries.map((e) => e.consumer.id));
  }

  private async resume(ids: string[]): Promise<void> {
    const fresh = ids.filter((id) => !this.resumed.has(id));
    if (fresh.length === 0) return;
    for (const id of fresh) this.resumed.add(id);
    await this.socket.request('resume', { consumerIds: fresh });
  }

  /** Set up but held (the lesson page is open, nobody tapped 进入直播 yet): transport connected, nothing flowing. */
  hold() {
    this.playing = false;
  }

  /** 进入直播 on a held connection: one request and the picture comes (a key frame is asked for on resume). */
  async play(): Promise<void> {
    this.playing = true;
    this.asked.clear(); // what was asked while held is asked again once media flows
    await this.resume(this.entries.map((e) => e.consumer.id));
  }

  /** The broadcast changed (a source added or gone): new consumers on the same transport, no new ICE/DTLS set-up. */
  async replace(consumers: ConsumerInfo[], current: () => boolean): Promise<void> {
    this.dropConsumers();
    await this.consume(consumers, current);
  }

  private dropConsumers() {
    for (const e of this.entries) {
      e.consumer.close();
      e.stream.removeTrack(e.consumer.track);
    }
    this.entries = [];
    this.asked.clear();
    this.resumed.clear();
    this.samples = { ...this.samples, camera: null, courseware: null };
  }

  private find(source: MediaSource): Entry | undefined {
    return this.entries.find((e) => e.source === source);
  }

  sources(): { camera: boolean; courseware: boolean } {
    return { camera: Boolean(this.find('camera')), courseware: Boolean(this.find('courseware')) };
  }

  spatialLayers(source: 'camera' | 'courseware'): number {
    return this.find(source)?.spatialLayers ?? 1;
  }

  /** The SFU's `layers` news for one consumer: which layer it forwards now (null: none). */
  noteLayer(consumerId: string, spatialLayer: number | null) {
    const entry = this.entries.find((e) => e.consumer.id === consumerId);
    if (entry) entry.layer = spatialLayer;
  }

  /** The layer the SFU forwards of this source, as it last said. */
  layerOf(source: 'camera' | 'courseware'): number | null {
    return this.find(source)?.layer ?? null;
  }

  /** Asks the SFU for each video's layer (or pause), only where the plan changed. */
  async apply(plan: VideoPlan): Promise<void> {
    for (const source of ['camera', 'courseware'] as const) {
      const entry = this.find(source);
      if (!entry) continue;
      const want = { consumerId: entry.consumer.id, maxSpatialLayer: Math.min(plan[source].cap, entry.spatialLayers - 1), paused: plan[source].paused };
      const key = JSON.stringify(want);
      if (this.asked.get(entry.consumer.id) === key) continue;
      await this.socket.request('setVideo', want);
      this.asked.set(entry.consumer.id, key);
    }
  }

  /** getStats() of each video and the transport, turned into the figures the player and the adaptation use. */
  async figures(now: number): Promise<MediaFigures> {
    const camera = this.find('camera')?.consumer;
    const courseware = this.find('courseware')?.consumer;
    const audio = this.find('microphone')?.consumer;
    const [c, w, a, t] = await Promise.all([camera?.getStats() ?? null, courseware?.getStats() ?? null, audio?.getStats() ?? null, this.transport.getStats()]);
    const cam = readStats({ video: c, audio: a, transport: t }, this.samples.camera, now);
    const cw = readStats({ video: w, audio: null, transport: null }, this.samples.courseware, now);
    const total = transportKbps(t, this.samples.bytes, now);
    this.samples = { camera: cam.sample, courseware: cw.sample, bytes: total.sample };
    const { framesDecoded, fps, frameWidth, frameHeight } = cw.stats;
    return { camera: cam.stats, courseware: courseware ? { framesDecoded, fps, frameWidth, frameHeight } : emptySourceStats, totalKbps: total.kbps };
  }

  close() {
    this.closed = true;
    this.dropConsumers();
    this.transport.close();
    for (const stream of [this.streams.camera, this.streams.courseware, this.streams.audio]) {
      for (const track of stream.getTracks()) stream.removeTrack(track);
    }
  }
}
