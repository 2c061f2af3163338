// One live lesson on the SFU: its router, the broadcast (one simulcast video producer + one audio producer, fed over
// RTP by the headless broadcaster), and the peers watching it. Peers learn of broadcast changes through `onAir`.
import { EventEmitter } from 'node:events';
import type { types as ms } from 'mediasoup';
import { randomUUID } from 'node:crypto';
import type { IngestRequest, IngestResponse, IngestStatus, LiveNotification } from '../../src/shared/live-protocol.ts';

export const mediaCodecs: ms.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 500 } },
];

type Broadcast = { id: string; transports: ms.PlainTransport[]; video: ms.Producer; audio: ms.Producer; watchdog: ReturnType<typeof setInterval> };

export type RoomEvents = { onAir: [boolean]; console: [LiveNotification]; closed: [] };

export type IngestWatch = {
  /** A broadcast whose RTP stopped this long ago is taken off air (a broadcaster killed without a word). */
  silenceMs: number;
  checkEveryMs: number;
  log: (line: string) => void;
};

const DEFAULT_WATCH: IngestWatch = { silenceMs: 5_000, checkEveryMs: 1_000, log: () => undefined };

export class LiveRoom extends EventEmitter<RoomEvents> {
  private broadcast: Broadcast | null = null;

  constructor(
    readonly lessonId: string,
    readonly router: ms.Router,
    private readonly ingestIp: string,
    private readonly watch: IngestWatch = DEFAULT_WATCH,
  ) {
    super();
    this.setMaxListeners(1000); // one listener per viewer socket
  }

  ingestStatus(): IngestStatus {
    return { onAir: this.onAir, ingestId: this.broadcast?.id ?? null };
  }

  /** The lead console's camera/screen and microphone, when it broadcasts: they take precedence over the ingest. */
  private readonly consoleProducers = new Map<'audio' | 'video', ms.Producer>();

  producers(): ms.Producer[] {
    if (this.consoleProducers.size > 0) return [...this.consoleProducers.values()];
    return this.broadcast ? [this.broadcast.video, this.broadcast.audio] : [];
  }

  get onAir(): boolean {
    return this.producers().length > 0;
  }

  /** A console producer joins the broadcast (replacing one of the same kind); viewers re-consume on the event. */
  addConsoleProducer(producer: ms.Producer) {
    const kind = producer.kind;
    this.consoleProducers.get(kind)?.close();
    this.consoleProducers.set(kind, producer);
    producer.observer.once('close', () => {
      if (this.consoleProducers.get(kind) !== producer) return;
      this.consoleProducers.delete(kind);
      this.emit('onAir', this.onAir);
    });
    this.emit('onAir', true);
  }

  /**
   * Opens RTP ports for the headless broadcaster. rtcpMux off + comedia: ffmpeg sends RTCP from its own port first, and
   * mediasoup latches onto the first source it hears. A running broadcast is replaced.
   */
  async openIngest(request: IngestRequest): Promise<IngestResponse> {
    await this.closeIngest();
    const options: ms.PlainTransportOptions = { listenInfo: { protocol: 'udp', ip: this.ingestIp }, rtcpMux: false, comedia: true };
    const videoTransport = await this.router.createPlainTransport(options);
    const audioTransport = await this.router.createPlainTransport(options);
    const transports = [videoTransport, audioTransport];
    try {
      const video = await videoTransport.produce({
        kind: 'video',
        rtpParameters: {
          codecs: [{ mimeType: 'video/VP8', payloadType: request.videoPayloadType, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }] }],
          // Several SSRCs in one producer = simulcast: the SFU picks a layer per viewer from its bandwidth estimate.
          encodings: request.video.map((l) => ({ ssrc: l.ssrc, maxBitrate: l.maxBitrate, scaleResolutionDownBy: l.scaleDown })),
        },
      });
      const audio = await audioTransport.produce({
        kind: 'audio',
        rtpParameters: {
          codecs: [{ mimeType: 'audio/opus', payloadType: request.audioPayloadType, clockRate: 48000, channels: 2, parameters: { 'sprop-stereo': 1 } }],
          encodings: [{ ssrc: request.audioSsrc }],
        },
      });
      const id = randomUUID();
      this.broadcast = { id, transports, video, audio, watchdog: this.watchIngest(id, video, audio) };
    } catch (error) {
      for (const t of transports) t.close();
      throw error;
    }
    this.emit('onAir', true);
    const target = (t: ms.PlainTransport) => ({ ip: t.tuple.localAddress ?? this.ingestIp, rtpPort: t.tuple.localPort, rtcpPort: t.rtcpTuple?.localPort ?? 0 });
    return { ingestId: this.broadcast.id, video: target(videoTransport), audio: target(audioTransport) };
  }

  /**
   * Takes a broadcast off air once its RTP has stopped for `silenceMs`: viewers then see "the lead classroom stopped"
   * instead of a frozen picture, and a broadcaster that comes back opens a new ingest (it polls the status as a lease).
   */
  private watchIngest(id: string, video: ms.Producer, audio: ms.Producer): ReturnType<typeof setInterval> {
    let lastBytes = -1;
    let lastChange = Date.now();
    const timer = setInterval(() => {
      void Promise.all([video.getStats(), audio.getStats()])
        .then(([v, a]) => {
          const bytes = [...v, ...a].reduce((sum, s) => sum + s.byteCount, 0);
          if (bytes !== lastBytes) {
            lastBytes = bytes;
            lastChange = Date.now();
          } else if (Date.now() - lastChange >= this.watch.silenceMs && this.broadcast?.id === id) {
            this.watch.log(`hub: live ${this.lessonId}: no media from the broadcaster for ${this.watch.silenceMs / 1000} s; off air`);
            void this.closeIngest();
          }
        })
        .catch(() => undefined); // the producer closed under us: closeIngest already ran
    }, this.watch.checkEveryMs);
    timer.unref();
    return timer;
  }

  async closeIngest(): Promise<boolean> {
    const broadcast = this.broadcast;
    if (!broadcast) return false;
    this.broadcast = null;
    clearInterval(broadcast.watchdog);
    for (const t of broadcast.transports) t.close(); // closes its producers and, through the router, their consumers
    this.emit('onAir', this.onAir);
    return Promise.resolve(true);
  }

  /** Classrooms' return cameras, by peer: consoles consume them. */
  readonly returnVideos = new Map<string, { producer: ms.Producer; classroomName: string }>();

  addReturnVideo(peerId: string, classroomName: string, producer: ms.Producer) {
    this.returnVideos.get(peerId)?.producer.close();
    this.returnVideos.set(peerId, { producer, classroomName });
    producer.observer.once('close', () => {
      if (this.returnVideos.get(peerId)?.producer !== producer) return;
      this.returnVideos.delete(peerId);
      this.toConsoles({ type: 'returnVideo', peerId, classroomName, producerId: null });
    });
    this.toConsoles({ type: 'returnVideo', peerId, classroomName, producerId: producer.id });
  }

  /** Raised hands and questions go to every console watching this room. */
  toConsoles(notification: LiveNotification) {
    this.emit('console', notification);
  }

  close() {
    if (this.broadcast) clearInterval(this.broadcast.watchdog);
    this.broadcast = null;
    this.router.close();
    this.emit('closed');
  }
}
