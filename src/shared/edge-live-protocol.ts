// Live through the school edge: what the edge asks of its county hub (edge token, plain HTTP in the edge group) to
// receive one copy of a live lesson for its whole school. The county answers with a UDP port of a PlainTransport in
// comedia mode (it learns the edge's address, behind the school's NAT, from the edge's first packet) and one ordinary
// consumer per producer on it: the county sees one consumer per school, and its simulcast logic sends one layer, the
// one the edge asks for (the highest any of its classrooms wants). Classrooms talk to the edge with the unchanged live
// protocol (live-protocol.ts) on its own /v1/live/ws.
import { z } from 'zod';
import { Id } from './protocol.ts';
import { MediaSource, RtpCapabilities } from './live-protocol.ts';

const MsId = z.string().min(1).max(100);
const MediasoupBlob = z.record(z.string(), z.unknown());

export const EdgeLivePaths = {
  /** Edge token. POST: open the lesson's feed for this edge, or refresh it (a lease: a feed not refreshed for 30 s
   *  closes); DELETE: close it. */
  feed: (lessonId: string) => `/v1/edge/live/${lessonId}/feed`,
  /** Edge token: the layer each video of the feed should carry. */
  layers: (lessonId: string) => `/v1/edge/live/${lessonId}/layers`,
  /** Edge token. POST {token, rtpParameters}: a classroom's return camera, sent up the lesson's feed transport (the
   *  county produces it as that classroom's, for the lead console); DELETE: it stopped. */
  returnVideo: (lessonId: string, peerId: string) => `/v1/edge/live/${lessonId}/return/${peerId}`,
  /** Admin: what the county sends to school edges for live lessons (feeds, consumers, RTP bytes). */
  stats: '/v1/admin/edge-live-stats',
} as const;

export const EdgeFeedRequest = z.object({
  rtpCapabilities: RtpCapabilities,
  /** The edge's own feed object (new after an edge restart): a new one gets a new transport, since the county's has
   *  latched onto the old one's address. */
  instance: MsId,
});
export type EdgeFeedRequest = z.infer<typeof EdgeFeedRequest>;

/** One producer of the lesson as the edge should re-produce it: the county consumer's own RTP parameters. */
export const EdgeFeedTrack = z.object({
  consumerId: MsId,
  kind: z.enum(['audio', 'video']),
  source: MediaSource,
  rtpParameters: MediasoupBlob,
  /** Layers the county's producer offers: the edge may ask for any of them. */
  spatialLayers: z.number().int().min(1).max(4),
});
export type EdgeFeedTrack = z.infer<typeof EdgeFeedTrack>;

export const EdgeFeedResponse = z.object({
  /** Changes when the county made a new transport (county restarted, feed expired): the edge connects again. */
  feedId: MsId,
  /** Where the edge sends its packets: null = the address it reaches the county hub at. */
  ip: z.string().max(100).nullable(),
  port: z.number().int().min(1).max(65535),
  onAir: z.boolean(),
  tracks: z.array(EdgeFeedTrack).max(8),
  /** Bytes the lesson's sources have brought the county so far: if this stops growing, the lead's media is not reaching
   *  the county either, and an edge receiving nothing has no broken path of its own. Absent from older counties. */
  sourceBytes: z.number().int().min(0).optional(),
});
export type EdgeFeedResponse = z.infer<typeof EdgeFeedResponse>;

export const EdgeLayersRequest = z.object({
  layers: z.array(z.object({ consumerId: MsId, spatialLayer: z.number().int().min(0).max(3) })).max(8),
});
export type EdgeLayersRequest = z.infer<typeof EdgeLayersRequest>;

/** A classroom's camera through its edge: the classroom's own device token (the county attributes the camera to its
 *  classroom after checking it is of the edge's school and watches the lesson) and the edge consumer's RTP parameters. */
export const EdgeReturnRequest = z.object({
  token: z.string().min(1).max(200),
  rtpParameters: MediasoupBlob,
});
export type EdgeReturnRequest = z.infer<typeof EdgeReturnRequest>;

export const EdgeReturnResponse = z.object({ producerId: MsId });

export const EdgeLiveStats = z.object({
  feeds: z.array(
    z.object({
      feedId: MsId,
      edgeId: Id,
      lessonId: Id,
      consumers: z.number().int(),
      /** The layer the edge asked for per video (null: the producer has one layer). */
      layers: z.array(z.object({ source: MediaSource, spatialLayer: z.number().int().nullable() })),
      rtpBytesSent: z.number().int(),
      /** Classrooms' return cameras this edge sends up the feed. */
      returns: z.number().int(),
      /** What the lesson's producers received from the broadcaster (every layer): the clock to read rtpBytesSent by. */
      sourceBytes: z.number().int(),
    }),
  ),
  rtpBytesSent: z.number().int(),
});
export type EdgeLiveStats = z.infer<typeof EdgeLiveStats>;
