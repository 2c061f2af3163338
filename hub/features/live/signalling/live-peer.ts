// One joined signalling socket: a receiving classroom (viewer) or a lead console. Owns its WebRTC transport and
// consumers; everything it holds is closed with it, so a vanished classroom leaves nothing behind on the SFU.
import { randomUUID } from 'node:crypto';
import type { types as ms } from 'mediasoup';
import type { ConsumerInfo, LiveMethod, LiveNotification, LiveRequestData, LiveResponseData, LiveRole } from '../../../../src/shared/live-protocol.ts';
import type { HubDatabase } from '../../../core/db/open-database.ts';
import { HubError } from '../../../core/http/hub-error.ts';
import { pushableQuestions, questionResults, questionToPush } from '../../quiz/live-quiz.ts';
import type { PeerPlace } from '../sfu/lesson-routers.ts';
import { sourceOf, type LiveRoom } from '../sfu/live-room.ts';

/**
 * Layers a viewer may ask for: the producer's encodings, or — on a school edge, whose producer carries the one layer
 * the county sends — the county's count (appData), since the edge asks the county for the layer its viewers want.
 */
function spatialLayersOf(producer: ms.Producer): number {
  const told = (producer.appData as { spatialLayers?: unknown }).spatialLayers;
  return Math.max(1, typeof told === 'number' ? told : (producer.rtpParameters.encodings?.length ?? 1));
}

export type PeerIdentity = { peerId: string; role: LiveRole; classroomName: string };
/** What a console's lesson commands need besides the room: the hub database and clock; and the device's share of
 *  return cameras (device-live-limits.ts), claimed per camera and given back when it closes. */
export type PeerServices = { db: HubDatabase; now: () => Date; claimReturnCamera?: () => () => void };
const RETURN_VIDEO_MAX_BPS = 300_000;
/** mediasoup's default is 1; a higher priority gets bitrate first when the estimate cannot carry every layer. */
const COURSEWARE_PRIORITY = 3;
type Handler<M extends LiveMethod> = (data: LiveRequestData<M>) => Promise<LiveResponseData<M>>;

export class LivePeer {
  private readonly transports = new Map<string, ms.WebRtcTransport>();
  private readonly sendTransports = new Map<string, ms.WebRtcTransport>();
  private readonly producers = new Map<string, ms.Producer>();
  private readonly consumers = new Map<string, ms.Consumer>();
  /** Videos the viewer paused with setVideo (低带宽模式, camera dropped): setVideo may resume only these. A consumer
   *  still waiting for its first `resume` (a classroom preparing the lesson before 进入直播) stays paused. */
  private readonly pausedByViewer = new Set<string>();
  private readonly onAir = (onAir: boolean) => this.send({ type: 'onAir', onAir });
  private readonly toConsole = (n: LiveNotification) => this.send(n);
  private closed = false;

  constructor(
    readonly identity: PeerIdentity,
    private readonly room: LiveRoom,
    /** Its router and WebRtcServer: the room's own, or a fan-out copy on another worker (lesson-routers.ts). */
    private readonly place: PeerPlace,
    private readonly send: (n: LiveNotification) => void,
    private readonly services: PeerServices,
  ) {
    room.on('onAir', this.onAir);
    room.on('toAll', this.toConsole);
    if (identity.role === 'console') {
      room.on('console', this.toConsole);
      // Cameras that started before this console joined; the console queues them until its receive side is ready.
      queueMicrotask(() => {
        for (const [peerId, v] of room.returnVideos) send({ type: 'returnVideo', peerId, classroomName: v.classroomName, producerId: v.producer.id });
        // A console that (re)joins during a question sees its results so far.
        const push = room.quizPush;
        if (!push) return;
        // A console that does not get them now gets them with the next answer; the reason goes to the hub's log.
        questionResults(services.db, room.lessonId, push.quizId, push.question.id).then(
          (results) => send({ type: 'quizResults', results }),
          (error: unknown) => process.emitWarning(`live: quiz results for a rejoining console failed: ${error instanceof Error ? error.message : String(error)}`),
        );
      });
    }
  }

  private transport(id: string): ms.WebRtcTransport {
    const transport = this.transports.get(id) ?? this.sendTransports.get(id);
    if (!transport) throw new HubError('not_found', `transport ${id}`);
    return transport;
  }

  /** A resumed video asks its source for a key frame at once: the picture appears without waiting for the next one. */
  private async resumeWithKeyFrame(consumer: ms.Consumer) {
    await consumer.resume();
    if (consumer.kind === 'video') await consumer.requestKeyFrame();
  }

  /** join with media: the receive transport, and consumers for what is on air, in the join's one round trip. */
  async prepareMedia(media: { rtpCapabilities: LiveRequestData<'consume'>['rtpCapabilities']; forceTcp?: boolean | undefined }) {
    const transport = await this.handlers.createRecvTransport({ forceTcp: media.forceTcp ?? false });
    if (!this.room.onAir) return { transport, consumers: [] };
    // Capabilities from an older hub configuration: no consumers now; the client loads the join's and consumes after.
    const consumers = await this.handlers.consume({ transportId: transport.id, rtpCapabilities: media.rtpCapabilities }).catch(() => ({ consumers: [] }));
    return { transport, consumers: consumers.consumers };
  }

  private requireConsole(what: string) {
    if (this.identity.role !== 'console') throw new HubError('forbidden', `only the lead console may ${what}`);
  }

  private consumer(id: string): ms.Consumer {
    const consumer = this.consumers.get(id);
    if (!consumer) throw new HubError('not_found', `consumer ${id}`);
    return consumer;
  }

  readonly handlers: { [M in Exclude<LiveMethod, 'join' | 'hello'>]: Handler<M> } = {
    createRecvTransport: async ({ forceTcp }) => {
      // A viewer receives on one transport; asking again (transport recreate after ICE failure) replaces it.
      for (const old of this.transports.values()) old.close();
      this.transports.clear();
      const transport = await this.place.router.createWebRtcTransport({
        webRtcServer: this.place.webRtcServer,
        enableUdp: !forceTcp,
        enableTcp: true,
        preferUdp: true,
        // Start low: a village link is the normal case, and the estimate climbs within seconds where it can.
        initialAvailableOutgoingBitrate: 600_000,
      });
      this.transports.set(transport.id, transport);
      transport.observer.once('close', () => {
        this.transports.delete(transport.id);
        for (const [id, c] of this.consumers) if (c.closed) this.consumers.delete(id);
      });
      // The SFU's bandwidth estimate towards this classroom, at most once a second: the client weighs it with what it
      // decodes to decide whether the camera can stay on (only audio and courseware on a thin link).
      let lastBwe = 0;
      await transport.enableTraceEvent(['bwe']);
      transport.on('trace', (trace) => {
        const available = (trace.info as { availableBitrate?: unknown }).availableBitrate;
        if (trace.type !== 'bwe' || typeof available !== 'number' || Date.now() - lastBwe < 1000) return;
        lastBwe = Date.now();
        this.send({ type: 'bandwidth', availableKbps: Math.round(available / 1000) });
      });
      return {
        id: transport.id,
        iceParameters: { ...transport.iceParameters },
        iceCandidates: transport.iceCandidates.map((c) => ({ ...c })),
        dtlsParameters: { ...transport.dtlsParameters },
      };
    },
    connectTransport: async ({ transportId, dtlsParameters }) => {
      await this.transport(transportId).connect({ dtlsParameters: dtlsParameters as ms.DtlsParameters });
      return {};
    },
    restartIce: async ({ transportId }) => {
      const iceParameters = await this.transport(transportId).restartIce();
      return { iceParameters: { ...iceParameters } };
    },
    consume: async ({ transportId, rtpCapabilities, audioOnly }) => {
      const transport = this.transport(transportId);
      const caps = rtpCapabilities as ms.RtpCapabilities;
      const out: ConsumerInfo[] = [];
      for (const c of this.consumers.values()) c.close(); // a re-consume replaces the previous set
      this.consumers.clear();
      this.pausedByViewer.clear();
      for (const producer of await this.place.producers()) {
        if (audioOnly && producer.kind === 'video') continue;
        if (!this.place.router.canConsume({ producerId: producer.id, rtpCapabilities: caps })) {
          throw new HubError('bad_request', `this client cannot decode ${producer.kind} (${producer.rtpParameters.codecs[0]?.mimeType ?? '?'})`);
        }
        const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: caps, paused: true });
        this.consumers.set(consumer.id, consumer);
        // When bits are short the SFU serves the slides before the teacher's face: they carry the lesson.
        if (sourceOf(producer) === 'courseware') await consumer.setPriority(COURSEWARE_PRIORITY);
        consumer.on('layerschange', (layers) => this.send({ type: 'layers', consumerId: consumer.id, spatialLayer: layers?.spatialLayer ?? null }));
        consumer.on('producerclose', () => {
          this.consumers.delete(consumer.id);
          this.send({ type: 'consumerClosed', consumerId: consumer.id });
        });
        consumer.on('transportclose', () => this.consumers.delete(consumer.id));
        out.push({
          id: consumer.id,
          producerId: producer.id,
          kind: consumer.kind,
          rtpParameters: { ...consumer.rtpParameters },
          spatialLayers: spatialLayersOf(producer),
          source: sourceOf(producer),
        });
      }
      return { consumers: out };
    },
    resume: async ({ consumerIds }) => {
      for (const id of consumerIds) await this.resumeWithKeyFrame(this.consumer(id));
      return {};
    },
    setVideo: async ({ consumerId, maxSpatialLayer, paused }) => {
      const consumer = this.consumer(consumerId);
      if (consumer.kind !== 'video') throw new HubError('bad_request', 'setVideo needs a video consumer');
      if (consumer.type === 'simulcast') await consumer.setPreferredLayers({ spatialLayer: maxSpatialLayer });
      if (paused) {
        await consumer.pause();
        this.pausedByViewer.add(consumer.id);
      } else if (this.pausedByViewer.delete(consumer.id)) await this.resumeWithKeyFrame(consumer);
      return {};
    },
    createSendTransport: async () => {
      for (const old of this.sendTransports.values()) old.close();
      this.sendTransports.clear();
      const transport = await this.place.router.createWebRtcTransport({ webRtcServer: this.place.webRtcServer, enableUdp: true, enableTcp: true, preferUdp: true });
      // A classroom's return camera shares the village link with the lesson: the SFU tells its sender to stay ≤ 300 kbps.
      if (this.identity.role === 'viewer') await transport.setMaxIncomingBitrate(RETURN_VIDEO_MAX_BPS);
      this.sendTransports.set(transport.id, transport);
      transport.observer.once('close', () => this.sendTransports.delete(transport.id));
      return {
        id: transport.id,
        iceParameters: { ...transport.iceParameters },
        iceCandidates: transport.iceCandidates.map((c) => ({ ...c })),
        dtlsParameters: { ...transport.dtlsParameters },
      };
    },
    produce: async ({ transportId, kind, rtpParameters, source }) => {
      const transport = this.sendTransports.get(transportId);
      if (!transport) throw new HubError('not_found', `transport ${transportId}`);
      if (this.identity.role === 'viewer' && kind !== 'video') throw new HubError('forbidden', 'a classroom sends only its camera');
      if (this.identity.role === 'viewer' && source === 'courseware') throw new HubError('forbidden', 'a classroom sends only its camera');
      const appData = { source: kind === 'audio' ? 'microphone' : (source ?? 'camera') };
      let giveBack = () => undefined as void;
      if (this.identity.role === 'viewer') {
        // A classroom's new camera replaces its old one (the room keeps one per peer): the old one's share is freed first.
        for (const old of this.producers.values()) old.close();
        giveBack = this.services.claimReturnCamera?.() ?? giveBack;
      }
      const producer = await transport.produce({ kind, rtpParameters: rtpParameters as ms.RtpParameters, appData }).catch((error: unknown) => {
        giveBack();
        throw error;
      });
      this.producers.set(producer.id, producer);
      producer.observer.once('close', () => {
        this.producers.delete(producer.id);
        giveBack();
      });
      if (this.identity.role === 'console') this.room.addConsoleProducer(producer);
      else this.room.addReturnVideo(this.identity.peerId, this.identity.classroomName, await this.place.toRoom(producer));
      return { producerId: producer.id };
    },
    closeProducer: async ({ producerId }) => {
      const producer = this.producers.get(producerId);
      if (!producer) throw new HubError('not_found', `producer ${producerId}`);
      producer.close();
      return {};
    },
    consumeReturn: async ({ transportId, producerId, rtpCapabilities }) => {
      if (this.identity.role !== 'console') throw new HubError('forbidden', 'only the lead console sees classrooms’ cameras');
      const entry = [...this.room.returnVideos.values()].find((v) => v.producer.id === producerId);
      if (!entry) throw new HubError('not_found', `return video ${producerId}`);
      const consumer = await this.transport(transportId).consume({ producerId, rtpCapabilities: rtpCapabilities as ms.RtpCapabilities });
      this.consumers.set(consumer.id, consumer);
      consumer.on('producerclose', () => this.consumers.delete(consumer.id));
      return { id: consumer.id, producerId, kind: consumer.kind, rtpParameters: { ...consumer.rtpParameters }, spatialLayers: 1 };
    },
    raiseHand: async ({ raised }) => {
      this.room.toConsoles({
        type: 'hand',
        hand: { peerId: this.identity.peerId, classroomName: this.identity.classroomName, raised, at: new Date().toISOString() },
      });
      return {};
    },
    question: async ({ text }) => {
      const id = randomUUID();
      this.room.toConsoles({
        type: 'question',
        question: { id, peerId: this.identity.peerId, classroomName: this.identity.classroomName, text, at: new Date().toISOString() },
      });
      return { questionId: id };
    },
    listQuestions: async () => {
      this.requireConsole('list questions');
      return { questions: await pushableQuestions(this.services.db, this.room.lessonId) };
    },
    pushQuestion: async (request) => {
      this.requireConsole('push questions');
      const { db, now } = this.services;
      const { quiz, question } = await questionToPush(db, this.room.lessonId, request, now());
      const push = { pushId: randomUUID(), lessonId: this.room.lessonId, quizId: quiz.id, quizTitle: quiz.title, question, at: now().toISOString() };
      this.room.pushQuiz(push);
      this.room.toConsoles({ type: 'quizResults', results: await questionResults(db, this.room.lessonId, quiz.id, question.id) });
      return { push };
    },
    closeQuestion: async ({ pushId }) => {
      this.requireConsole('close questions');
      if (!this.room.closeQuiz(pushId)) throw new HubError('not_found', `question push ${pushId} is not on the screens`);
      return {};
    },
    endLesson: async () => {
      this.requireConsole('end the lesson');
      await this.room.endLesson();
      return {};
    },
  };

  close() {
    if (this.closed) return;
    this.closed = true;
    this.room.off('onAir', this.onAir);
    this.room.off('toAll', this.toConsole);
    this.room.off('console', this.toConsole);
    for (const t of [...this.transports.values(), ...this.sendTransports.values()]) t.close();
    this.transports.clear();
    this.sendTransports.clear();
    this.consumers.clear();
    this.place.release();
  }
}
