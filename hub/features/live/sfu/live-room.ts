// One live lesson on the SFU: its router, the broadcast (the camera's and the courseware's simulcast video producers and
// one audio producer, fed over RTP by the headless broadcaster or sent by the lead console), and the peers watching it.
// Peers (and the recorder) learn of broadcast changes through `onAir`.
import { EventEmitter } from 'node:events';
import type { types as ms } from 'mediasoup';
import { randomUUID } from 'node:crypto';
import type { IngestRequest, IngestResponse, IngestStatus, LiveNotification, MediaSource, QuizPush, VideoSource } from '../../../../src/shared/live-protocol.ts';

export const mediaCodecs: ms.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 500 } },
];

type Broadcast = { id: string; transports: ms.PlainTransport[]; producers: ms.Producer[]; watchdog: ReturnType<typeof setInterval> };

/** Which source a producer carries (set in its appData when it is made; a producer without one is the camera). */
export function sourceOf(producer: ms.Producer): MediaSource {
  if (producer.kind === 'audio') return 'microphone';
  return (producer.appData as { source?: unknown }).source === 'courseware' ? 'courseware' : 'camera';
}

/** 下课 waits at most this long for its hooks (the recorder closing its files takes well under a second). */
const END_HOOK_MAX_MS = 5_000;

const videoRtcpFeedback = [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }];

export type RoomEvents = { onAir: [boolean]; console: [LiveNotification]; toAll: [LiveNotification]; ended: []; closed: [] };

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

  /** The lead console's camera, courseware and microphone, when it broadcasts: they take precedence over the ingest. */
  private readonly consoleProducers = new Map<MediaSource, ms.Producer>();

  /** What is on air, camera first, then courseware, then audio (the order viewers and the recorder see). */
  producers(): ms.Producer[] {
    const all = this.consoleProducers.size > 0 ? [...this.consoleProducers.values()] : (this.broadcast?.producers ?? []);
    const order: MediaSource[] = ['camera', 'courseware', 'microphone'];
    return [...all].sort((a, b) => order.indexOf(sourceOf(a)) - order.indexOf(sourceOf(b)));
  }

  get onAir(): boolean {
    return this.producers().length > 0;
  }

  /** A console producer joins the broadcast (replacing one of the same source); viewers re-consume on the event. */
  addConsoleProducer(producer: ms.Producer) {
    const source = sourceOf(producer);
    this.consoleProducers.get(source)?.close();
    this.consoleProducers.set(source, producer);
    producer.observer.once('close', () => {
      if (this.consoleProducers.get(source) !== producer) return;
      this.consoleProducers.delete(source);
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
    const transports: ms.PlainTransport[] = [];
    const producers: ms.Producer[] = [];
    const open = async () => {
      const transport = await this.router.createPlainTransport(options);
      transports.push(transport);
      return transport;
    };
    // Several SSRCs in one producer = simulcast: the SFU picks a layer per viewer from its bandwidth estimate.
    const video = async (layers: IngestRequest['video'], source: VideoSource) => {
      const transport = await open();
      const codecs = [{ mimeType: 'video/VP8', payloadType: request.videoPayloadType, clockRate: 90000, rtcpFeedback: videoRtcpFeedback }];
      const encodings = layers.map((l) => ({ ssrc: l.ssrc, maxBitrate: l.maxBitrate, scaleResolutionDownBy: l.scaleDown }));
      producers.push(await transport.produce({ kind: 'video', rtpParameters: { codecs, encodings }, appData: { source } }));
      return transport;
    };
    try {
      const videoTransport = await video(request.video, 'camera');
      const audioTransport = await open();
      producers.push(
        await audioTransport.produce({
          kind: 'audio',
          rtpParameters: {
            codecs: [{ mimeType: 'audio/opus', payloadType: request.audioPayloadType, clockRate: 48000, channels: 2, parameters: { 'sprop-stereo': 1 } }],
            encodings: [{ ssrc: request.audioSsrc }],
          },
        }),
      );
      const coursewareTransport = request.courseware ? await video(request.courseware.video, 'courseware') : null;
      const id = randomUUID();
      this.broadcast = { id, transports, producers, watchdog: this.watchIngest(id, producers) };
      this.emit('onAir', true);
      const target = (t: ms.PlainTransport) => ({ ip: t.tuple.localAddress ?? this.ingestIp, rtpPort: t.tuple.localPort, rtcpPort: t.rtcpTuple?.localPort ?? 0 });
      return { ingestId: id, video: target(videoTransport), audio: target(audioTransport), ...(coursewareTransport ? { courseware: target(coursewareTransport) } : {}) };
    } catch (error) {
      for (const t of transports) t.close();
      throw error;
    }
  }

  /**
   * Takes a broadcast off air once its RTP has stopped for `silenceMs`: viewers then see "the lead classroom stopped"
   * instead of a frozen picture, and a broadcaster that comes back opens a new ingest (it polls the status as a lease).
   */
  private watchIngest(id: string, producers: ms.Producer[]): ReturnType<typeof setInterval> {
    let lastBytes = -1;
    let lastChange = Date.now();
    const timer = setInterval(() => {
      void Promise.all(producers.map((p) => p.getStats()))
        .then((stats) => {
          const bytes = stats.flat().reduce((sum, s) => sum + s.byteCount, 0);
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

  /**
   * 下课: the broadcast stops (ingest and console producers), every peer hears the lesson is over, and the recorder
   * makes the recording at once instead of waiting to see whether the broadcast comes back.
   */
  async endLesson() {
    // Said first: a classroom that hears "ended" before "off air" knows the lesson is over, not interrupted (its
    // recording then plays from the start, not from "where the live stream stopped").
    if (this.quizPush) this.closeQuiz(this.quizPush.pushId);
    this.toAll({ type: 'lessonEnded' });
    // While the media still flows (bounded, so a stuck hook cannot keep a lesson on air).
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, END_HOOK_MAX_MS).unref());
    await Promise.race([Promise.all([...this.beforeEnd].map((hook) => hook().catch(() => undefined))), timeout]);
    for (const producer of [...this.consoleProducers.values()]) producer.close();
    await this.closeIngest();
    this.emit('ended');
  }

  /** The question on every classroom's screen (答题器), so a classroom that joins or rejoins shows it too. */
  quizPush: QuizPush | null = null;

  pushQuiz(push: QuizPush) {
    this.quizPush = push;
    this.toAll({ type: 'quizPush', push });
  }

  closeQuiz(pushId: string): boolean {
    if (this.quizPush?.pushId !== pushId) return false;
    this.quizPush = null;
    this.toAll({ type: 'quizClosed', pushId });
    return true;
  }

  private readonly beforeEnd = new Set<() => Promise<void>>();

  /**
   * Work to do at 下课 while the media still flows: the recorder closes its files then (ffmpeg notices its stop signal
   * only on its next read, which waits for seconds once the RTP has stopped).
   */
  onBeforeEnd(hook: () => Promise<void>): () => void {
    this.beforeEnd.add(hook);
    return () => this.beforeEnd.delete(hook);
  }

  /** A notification for every peer, viewers and consoles. */
  toAll(notification: LiveNotification) {
    this.emit('toAll', notification);
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
