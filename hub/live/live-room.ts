// One live lesson on the SFU: its router, the broadcast (one simulcast video producer + one audio producer, fed over
// RTP by the headless broadcaster), and the peers watching it. Peers learn of broadcast changes through `onAir`.
import { EventEmitter } from 'node:events';
import type { types as ms } from 'mediasoup';
import type { IngestRequest, IngestResponse, LiveNotification } from '../../src/shared/live-protocol.ts';

export const mediaCodecs: ms.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 500 } },
];

type Broadcast = { transports: ms.PlainTransport[]; video: ms.Producer; audio: ms.Producer };

export type RoomEvents = { onAir: [boolean]; console: [LiveNotification]; closed: [] };

export class LiveRoom extends EventEmitter<RoomEvents> {
  private broadcast: Broadcast | null = null;

  constructor(
    readonly lessonId: string,
    readonly router: ms.Router,
    private readonly ingestIp: string,
  ) {
    super();
    this.setMaxListeners(1000); // one listener per viewer socket
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
   * mediasoup latches onto the first source it hears (see ../shared/sfu/SFU.md). A running broadcast is replaced.
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
      this.broadcast = { transports, video, audio };
    } catch (error) {
      for (const t of transports) t.close();
      throw error;
    }
    this.emit('onAir', true);
    const target = (t: ms.PlainTransport) => ({ ip: t.tuple.localAddress ?? this.ingestIp, rtpPort: t.tuple.localPort, rtcpPort: t.rtcpTuple?.localPort ?? 0 });
    return { video: target(videoTransport), audio: target(audioTransport) };
  }

  async closeIngest(): Promise<boolean> {
    const broadcast = this.broadcast;
    if (!broadcast) return false;
    this.broadcast = null;
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
    this.broadcast = null;
    this.router.close();
    this.emit('closed');
  }
}
