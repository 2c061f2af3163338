// Live-lesson signalling over one WebSocket (hub path LIVE_WS_PATH): requests with ids and their responses, plus
// notifications from the hub. Both sides parse every frame with these schemas. mediasoup's own structures (RTP
// parameters, ICE/DTLS parameters) are checked for shape and size only: the SFU and mediasoup-client validate their
// contents, and a deep copy of their types here would drift from the pinned versions.
import { z } from 'zod';
import { ErrorCode, Id, PROTOCOL_VERSION, QuizQuestion } from './protocol.ts';
import { parseRequestData, parseResponseData, requestEnvelope } from './ws-request.ts';

export const LIVE_PROTOCOL_VERSION = 1;
export const LIVE_WS_PATH = '/v1/live/ws';
/** Largest frame either side accepts; the biggest legitimate message (RTP capabilities) is a few KiB. */
export const LIVE_MAX_FRAME_BYTES = 64 * 1024;

const MediasoupBlob = z.record(z.string(), z.unknown());
const MsId = z.string().min(1).max(100);

export const DtlsParameters = z.object({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z.array(z.object({ algorithm: z.string().max(20), value: z.string().max(200) })).min(1).max(8),
});
export type DtlsParameters = z.infer<typeof DtlsParameters>;

export const RtpCapabilities = z.object({
  codecs: z.array(MediasoupBlob).max(200).optional(),
  headerExtensions: z.array(MediasoupBlob).max(100).optional(),
});
export type RtpCapabilities = z.infer<typeof RtpCapabilities>;

export const TransportInfo = z.object({
  id: MsId,
  iceParameters: MediasoupBlob,
  iceCandidates: z.array(MediasoupBlob).max(20),
  dtlsParameters: MediasoupBlob,
});
export type TransportInfo = z.infer<typeof TransportInfo>;

/**
 * What a producer carries: the teacher's camera, the courseware (slides, board, document camera: detailed content at a
 * low frame rate) or the microphone. A lesson may broadcast camera and courseware at once.
 */
export const MediaSource = z.enum(['camera', 'courseware', 'microphone']);
export type MediaSource = z.infer<typeof MediaSource>;
export const VideoSource = z.enum(['camera', 'courseware']);
export type VideoSource = z.infer<typeof VideoSource>;

export const ConsumerInfo = z.object({
  id: MsId,
  producerId: MsId,
  kind: z.enum(['audio', 'video']),
  rtpParameters: MediasoupBlob,
  /** Spatial layers the video offers (simulcast), so the client knows what it can ask for. */
  spatialLayers: z.number().int().min(1).max(4),
  /** Absent from older hubs: their one video is the camera. */
  source: MediaSource.optional(),
});
export type ConsumerInfo = z.infer<typeof ConsumerInfo>;

export const LiveRole = z.enum(['viewer', 'console']);
export type LiveRole = z.infer<typeof LiveRole>;

// ---- 答题器: the lead teacher pushes a question to every classroom of the lesson -----------------------------------------

/** A question the console typed: it joins the lesson's live quiz (so answers sync like any quiz's). */
export const TypedQuestion = QuizQuestion.omit({ id: true }).refine((q) => q.answer < q.choices.length, { message: 'answer: not one of the choices' });
export type TypedQuestion = z.infer<typeof TypedQuestion>;

/**
 * A pushed question: one question of a quiz of the lesson (the classroom stores it into that quiz and records answers
 * in its quiz runner; they reach the hub through the outbox like every quiz answer).
 */
export const QuizPush = z.object({
  pushId: MsId,
  lessonId: Id,
  quizId: Id,
  quizTitle: z.string().min(1).max(200),
  question: QuizQuestion,
  /** Hub clock. */
  at: z.string().max(40),
});
export type QuizPush = z.infer<typeof QuizPush>;

/** A question the console may push: the lesson's and the course's quizzes. */
export const PushableQuestion = z.object({ quizId: Id, quizTitle: z.string().max(200), question: QuizQuestion });
export type PushableQuestion = z.infer<typeof PushableQuestion>;

const Tally = z.object({ answered: z.number().int().min(0), correct: z.number().int().min(0), choices: z.array(z.number().int().min(0)).max(8) });
/** Answers to one pushed question as the hub has them (latest per student, class tallies added): recomputed, never summed up. */
export const QuestionResults = z.object({
  quizId: Id,
  questionId: Id,
  classrooms: z.array(Tally.extend({ classroomId: Id, classroomName: z.string().max(200) })).max(1000),
  total: Tally,
});
export type QuestionResults = z.infer<typeof QuestionResults>;

/** Request name → request data and response data. The client gets typed calls from this map. */
export const liveRequests = {
  /** Optional, on a socket opened early (as sync's hello): kept past the join deadline as one of the device's sockets;
   *  refused → closed. Grants nothing (a join is checked as anywhere, same device only). See hub/features/live/signalling/live-hello.ts. */
  hello: { request: z.object({ token: z.string().min(16).max(300) }), response: z.object({}) },
  /** First message on a socket: who is asking (device token or console credential) and for which lesson. */
  join: {
    request: z.object({
      lessonId: Id,
      token: z.string().min(16).max(300),
      role: LiveRole.default('viewer'),
      /**
       * A viewer that already knows the hub's codecs (GET /v1/live/capabilities, fetched while the lesson page was open)
       * sets up its media in the same round trip: the answer carries its receive transport and, when on air, every
       * consumer (paused until `resume`).
       */
      media: z.object({ rtpCapabilities: RtpCapabilities, forceTcp: z.boolean().default(false) }).optional(),
    }),
    response: z.object({
      peerId: MsId,
      routerRtpCapabilities: MediasoupBlob,
      onAir: z.boolean(),
      lessonTitle: z.string().max(200),
      /** The question on the classrooms' screens right now, if any (a classroom that joins or rejoins shows it too). */
      quizPush: QuizPush.nullable().optional(),
      /** The hub's clock (ms): where a classroom's "live stopped at" falls in the recording, whatever its own clock says. */
      serverTime: z.number().int().optional(),
      /** Present when the join asked for media: the receive transport and what is on air (possibly nothing yet). */
      media: z.object({ transport: TransportInfo, consumers: z.array(ConsumerInfo).max(8) }).optional(),
    }),
  },
  createRecvTransport: {
    /** forceTcp: only ICE-TCP candidates (a school firewall that drops UDP). */
    request: z.object({ forceTcp: z.boolean().default(false) }),
    response: TransportInfo,
  },
  connectTransport: { request: z.object({ transportId: MsId, dtlsParameters: DtlsParameters }), response: z.object({}) },
  restartIce: { request: z.object({ transportId: MsId }), response: z.object({ iceParameters: MediasoupBlob }) },
  /** Consumers (paused) for everything on air: the client resumes them once its side is ready. */
  consume: {
    request: z.object({ transportId: MsId, rtpCapabilities: RtpCapabilities, audioOnly: z.boolean().default(false) }),
    response: z.object({ consumers: z.array(ConsumerInfo).max(8) }),
  },
  resume: { request: z.object({ consumerIds: z.array(MsId).min(1).max(8) }), response: z.object({}) },
  /** Caps the video layer (0 = lowest) or pauses video entirely (audio-only, low-bandwidth mode). */
  setVideo: {
    request: z.object({ consumerId: MsId, maxSpatialLayer: z.number().int().min(0).max(3), paused: z.boolean() }),
    response: z.object({}),
  },
  /** A transport to send on: the console's camera/microphone/screen, or a classroom's own camera (≤ 300 kbps). */
  createSendTransport: { request: z.object({}), response: TransportInfo },
  /**
   * The console's media becomes the lesson's broadcast (replacing the headless broadcaster); a classroom may send video
   * only, its return camera, which goes to the consoles.
   */
  produce: {
    /** source: which of the console's two videos this is (camera unless said); ignored for audio and classrooms. */
    request: z.object({ transportId: MsId, kind: z.enum(['audio', 'video']), rtpParameters: MediasoupBlob, source: VideoSource.optional() }),
    response: z.object({ producerId: MsId }),
  },
  /** Stops a classroom's return camera. */
  closeProducer: { request: z.object({ producerId: MsId }), response: z.object({}) },
  /** Console only: receive one classroom's return camera on the console's receive transport. */
  consumeReturn: {
    request: z.object({ transportId: MsId, producerId: MsId, rtpCapabilities: RtpCapabilities }),
    response: ConsumerInfo,
  },
  raiseHand: { request: z.object({ raised: z.boolean() }), response: z.object({}) },
  question: { request: z.object({ text: z.string().trim().min(1).max(500) }), response: z.object({ questionId: MsId }) },
  /** Console only: the questions it can push (the lesson's quizzes, then the course's). */
  listQuestions: { request: z.object({}), response: z.object({ questions: z.array(PushableQuestion).max(200) }) },
  /** Console only: show a question on every classroom's screen at once; a typed one joins the lesson's live quiz. */
  pushQuestion: {
    request: z.union([z.object({ quizId: Id, questionId: Id }), z.object({ typed: TypedQuestion })]),
    response: z.object({ push: QuizPush }),
  },
  /** Console only: take the question off the screens (answers may still come in). */
  closeQuestion: { request: z.object({ pushId: MsId }), response: z.object({}) },
  /** Console only: 下课. The broadcast stops and the recording is made. */
  endLesson: { request: z.object({}), response: z.object({}) },
} as const;

export type LiveRequests = typeof liveRequests;
export type LiveMethod = keyof LiveRequests;
export type LiveRequestData<M extends LiveMethod> = z.input<LiveRequests[M]['request']>;
export type LiveResponseData<M extends LiveMethod> = z.output<LiveRequests[M]['response']>;
export const liveMethods = Object.keys(liveRequests) as LiveMethod[];

/**
 * `edge_feed_silent`: the school edge's feed from the county carries no RTP (its UDP does not arrive): join the county.
 * `edge_no_return_video`: sent only by older edges, which did not carry a classroom's camera up.
 * `live_socket_limit`: the device already holds the most live sockets one device may (a join refused; the others stay).
 * `return_camera_limit`: the device already sends the most return cameras one device may (a produce refused).
 */
export const LiveErrorCode = z.enum([...ErrorCode.options, 'not_joined', 'not_on_air', 'live_unavailable', 'malformed', 'edge_no_return_video', 'edge_feed_silent', 'live_socket_limit', 'return_camera_limit']);
export type LiveErrorCode = z.infer<typeof LiveErrorCode>;

export const RaisedHand = z.object({ peerId: MsId, classroomName: z.string().max(200), raised: z.boolean(), at: z.string().max(40) });
export const Question = z.object({ id: MsId, peerId: MsId, classroomName: z.string().max(200), text: z.string().max(500), at: z.string().max(40) });
export type Question = z.infer<typeof Question>;

export const LiveNotification = z.discriminatedUnion('type', [
  /** The broadcast started or stopped: viewers consume again or show "waiting". */
  z.object({ type: z.literal('onAir'), onAir: z.boolean() }),
  /** The SFU's bandwidth estimate towards this viewer (about once a second): with the decoded frame rate, it decides
   *  whether the camera can stay on or the classroom keeps only audio and courseware. */
  z.object({ type: z.literal('bandwidth'), availableKbps: z.number().min(0).max(1e6) }),
  /** The SFU changed the layer a viewer receives (bandwidth estimation), for the status line. */
  z.object({ type: z.literal('layers'), consumerId: MsId, spatialLayer: z.number().int().min(-1).max(3).nullable() }),
  z.object({ type: z.literal('consumerClosed'), consumerId: MsId }),
  /** To consoles: classrooms' raised hands and questions. */
  z.object({ type: z.literal('hand'), hand: RaisedHand }),
  z.object({ type: z.literal('question'), question: Question }),
  /** To consoles: a classroom's return camera started (producerId) or stopped (null). */
  z.object({ type: z.literal('returnVideo'), peerId: MsId, classroomName: z.string().max(200), producerId: MsId.nullable() }),
  z.object({ type: z.literal('audience'), viewers: z.array(z.object({ peerId: MsId, classroomName: z.string().max(200) })).max(1000) }),
  /** To everyone: a question on the screen now (答题器), or taken off. */
  z.object({ type: z.literal('quizPush'), push: QuizPush }),
  z.object({ type: z.literal('quizClosed'), pushId: MsId }),
  /** To consoles: a pushed question's answers so far, per classroom and in total. */
  z.object({ type: z.literal('quizResults'), results: QuestionResults }),
  /** To everyone: the lead teacher ended the lesson (下课); the recording follows. */
  z.object({ type: z.literal('lessonEnded') }),
  /** To consoles: the lesson's recording (every live lesson is recorded) and whether its pack is made; `ready` to all. */
  z.object({ type: z.literal('recording'), state: z.enum(['recording', 'finalizing', 'ready', 'failed']), packId: Id.nullable(), error: z.string().max(2000).nullable() }),
]);
export type LiveNotification = z.infer<typeof LiveNotification>;

/**
 * The envelope (src/shared/ws-request.ts): client → hub `{v, id, method, data}` (`data` checked against the method's
 * schema after the envelope, see parseLiveRequestData); hub → client a response to request `id` (null when the request
 * was too broken to have one) or a notification. The one client and the one hub loop speak it through `liveCodec`.
 */
const liveEnvelope = requestEnvelope({
  methods: liveRequests,
  version: LIVE_PROTOCOL_VERSION,
  protocol: PROTOCOL_VERSION,
  notification: LiveNotification,
  errorCode: LiveErrorCode,
  malformed: 'malformed',
});
export const LiveRequest = liveEnvelope.Request;
export type LiveRequest = z.infer<typeof LiveRequest>;
export const LiveServerMessage = liveEnvelope.ServerMessage;
export type LiveServerMessage = z.infer<typeof LiveServerMessage>;
export const liveCodec = liveEnvelope.codec;

export function parseLiveRequestData<M extends LiveMethod>(method: M, data: unknown) {
  return parseRequestData(liveRequests, method, data);
}

export function parseLiveResponseData<M extends LiveMethod>(method: M, data: unknown): LiveResponseData<M> {
  return parseResponseData(liveRequests, method, data);
}

// ---- ingest (the headless broadcaster asks the hub for RTP ports; admin credential, plain HTTP) -------------------------

export const IngestLayer = z.object({ ssrc: z.number().int().min(1).max(0xffffffff), maxBitrate: z.number().int().min(10_000).max(10_000_000), scaleDown: z.number().min(1).max(16) });
export const IngestRequest = z.object({
  /** Simulcast encodings, lowest first (mediasoup's order). */
  video: z.array(IngestLayer).min(1).max(3),
  audioSsrc: z.number().int().min(1).max(0xffffffff),
  videoPayloadType: z.number().int().min(96).max(127),
  audioPayloadType: z.number().int().min(96).max(127),
  /** A second, slide-like video (same codec and payload type as `video`): the courseware, on its own RTP ports. */
  courseware: z.object({ video: z.array(IngestLayer).min(1).max(3) }).optional(),
}).refine((r) => {
  const ssrcs = [...r.video, ...(r.courseware?.video ?? [])].map((l) => l.ssrc).concat(r.audioSsrc);
  return new Set(ssrcs).size === ssrcs.length;
}, { message: 'every SSRC must be different (camera, courseware and audio layers)' });
export type IngestRequest = z.infer<typeof IngestRequest>;
const RtpTarget = z.object({ ip: z.string().max(64), rtpPort: z.number().int().min(1).max(65535), rtcpPort: z.number().int().min(1).max(65535) });
/** `ingestId` names this broadcast: a broadcaster that finds another (or none) on the hub knows the hub restarted. */
export const IngestResponse = z.object({ ingestId: z.string().min(1).max(64), video: RtpTarget, audio: RtpTarget, courseware: RtpTarget.optional() });
export type IngestResponse = z.infer<typeof IngestResponse>;
/** GET on the ingest path: what the hub is broadcasting for the lesson now (the broadcaster polls it as a lease). */
export const IngestStatus = z.object({ onAir: z.boolean(), ingestId: z.string().max(64).nullable() });
export type IngestStatus = z.infer<typeof IngestStatus>;

/** A lesson's recording on the hub (admin): none yet, recording, waiting to see if the broadcast returns, making the pack, ready, failed. */
export const RecordingStatus = z.object({
  state: z.enum(['none', 'recording', 'waiting', 'finalizing', 'ready', 'failed']),
  packId: Id.nullable(),
  segments: z.number().int().min(0),
  error: z.string().nullable(),
});
export type RecordingStatus = z.infer<typeof RecordingStatus>;

/** GET livePaths.capabilities. */
export const CapabilitiesResponse = z.object({ routerRtpCapabilities: MediasoupBlob });
export type CapabilitiesResponse = z.infer<typeof CapabilitiesResponse>;

export const livePaths = {
  /** Public: the hub's router RTP capabilities (the same for every lesson), so a classroom can load its Device early. */
  capabilities: '/v1/live/capabilities',
  ingest: (lessonId: string) => `/v1/admin/live/${encodeURIComponent(lessonId)}/ingest`,
  /** 下课: POST ends the broadcast and starts making the recording's pack (202). */
  end: (lessonId: string) => `/v1/admin/live/${encodeURIComponent(lessonId)}/end`,
  recording: (lessonId: string) => `/v1/admin/live/${encodeURIComponent(lessonId)}/recording`,
} as const;
