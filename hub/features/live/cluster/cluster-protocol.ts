// The hub nodes' internal live protocol (cross-node piping, cross-node-pipe.ts): a node whose classrooms watch a lesson
// whose origin is on another node asks that node for a pipe. Node to node only, in the `cluster` access group (the
// shared HUB_CLUSTER_SECRET); both sides parse what they receive. rtpParameters are mediasoup's own, passed through.
import { z } from 'zod';
import { Question, QuizPush, RaisedHand } from '../../../../src/shared/live-protocol.ts';
import { Id } from '../../../../src/shared/protocol.ts';

export const clusterPipesPath = (lessonId: string) => `/v1/cluster/live/${encodeURIComponent(lessonId)}/pipes`;
export const clusterPipePath = (lessonId: string, pipeId: string) => `${clusterPipesPath(lessonId)}/${encodeURIComponent(pipeId)}`;

export const PipeParams = z.object({ id: Id });
export const PipeIdParams = z.object({ id: Id, pipeId: z.uuid() });

const SrtpParameters = z.object({
  cryptoSuite: z.enum(['AEAD_AES_256_GCM', 'AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']),
  keyBase64: z.string().min(1).max(200),
});
export type SrtpParameters = z.infer<typeof SrtpParameters>;

const PipeAddress = z.object({
  ip: z.union([z.ipv4(), z.ipv6()]),
  port: z.number().int().min(1).max(65535),
  srtpParameters: SrtpParameters.optional(),
});

/** The asking node's PipeTransport, which the origin connects to. */
export const PipeOpenRequest = PipeAddress.extend({ nodeId: z.string().min(1).max(200) });
export type PipeOpenRequest = z.infer<typeof PipeOpenRequest>;

/** One producer on air at the origin, as the origin's pipe consumer sends it: produced with the same id on the other side. */
export const PipedProducer = z.object({
  id: z.uuid(),
  kind: z.enum(['audio', 'video']),
  rtpParameters: z.looseObject({ codecs: z.array(z.looseObject({ mimeType: z.string() })).min(1).max(8) }),
  paused: z.boolean(),
  appData: z.record(z.string(), z.unknown()),
});
export type PipedProducer = z.infer<typeof PipedProducer>;

/**
 * The lesson at the origin now: what is on air, the question on the screens (答题器) and how many times 下课 was said
 * since the pipe opened, so the copy's classrooms hear what the origin's hear (each poll is also the pipe's lease: a
 * pipe not polled for a while is closed at the origin).
 */
export const PipeSyncResponse = z.object({ producers: z.array(PipedProducer).max(16), quizPush: QuizPush.nullable(), ends: z.number().int().min(0) });
export type PipeSyncResponse = z.infer<typeof PipeSyncResponse>;

/**
 * What the asking node's classrooms send upward with each poll: raised hands and questions said since the last answered
 * poll (the origin's room tells its consoles), and every return camera on air there, consumed on the asker's side of
 * the pipe (the origin produces each with the same id and shows it to its consoles as a classroom's own).
 */
export const UpwardNotice = z.discriminatedUnion('type', [z.object({ type: z.literal('hand'), hand: RaisedHand }), z.object({ type: z.literal('question'), question: Question })]);
export type UpwardNotice = z.infer<typeof UpwardNotice>;
export const PipedReturnVideo = z.object({ peerId: z.uuid(), classroomName: z.string().max(200), producer: PipedProducer });
export type PipedReturnVideo = z.infer<typeof PipedReturnVideo>;
/** An empty body (a node from before return piping) means nothing to pass upward. */
export const PipeSyncRequest = z.object({ notices: z.array(UpwardNotice).max(200).default([]), returnVideos: z.array(PipedReturnVideo).max(500).default([]) });
export type PipeSyncRequest = z.infer<typeof PipeSyncRequest>;

export const PipeOpenResponse = PipeAddress.extend({ pipeId: z.uuid(), ...PipeSyncResponse.shape });
export type PipeOpenResponse = z.infer<typeof PipeOpenResponse>;
