// School edge wire protocol: what a school's edge (the hub started with --edge) says to its county hub, and what IT
// reads on the edge's status page. Classrooms talk to an edge with the ordinary hub protocol (protocol.ts,
// content-protocol.ts): an edge is a drop-in for the county hub's content routes.
import { z } from 'zod';
import { Id, IsoDateTime, School } from './protocol.ts';
import { MAX_CHUNK_SIZE, MAX_FILE_SIZE, MIN_CHUNK_SIZE, Sha256Hex } from './content-protocol.ts';
import { MediaSource } from './live-protocol.ts';

export const EdgePaths = {
  /** Admin: a one-use code that enrolls one edge for one school. */
  codes: '/v1/admin/edge-codes',
  /** Admin: content bytes the county hub sent to edges (its side of the school uplinks). */
  uplinkStats: '/v1/admin/edge-stats',
  /** Public: the edge trades its code for an edge token (county hub). */
  enroll: '/v1/edge/enroll',
  /** Edge token: may this classroom device use this edge? (county hub) */
  authorise: '/v1/edge/authorise',
  /** Edge token: the files of packs attached to the school's lessons in the next days, which the edge keeps and prefetches. */
  pinned: '/v1/edge/pinned',
  /** Edge token: one stored file of a pack of one of the school's lessons (Range, ETag; county hub). */
  blob: (sha256: string) => `/v1/edge/blobs/${sha256}`,
  /** The edge's own status for IT (JSON), and the same as a page. */
  status: '/v1/edge/status',
  statusPage: '/edge',
} as const;

export const EdgeCodeRequest = z.object({ schoolId: Id, ttlMinutes: z.number().int().min(1).max(60 * 24 * 30).default(60 * 24) });
export const EdgeCodeResponse = z.object({ code: z.string(), expiresAt: IsoDateTime });
export type EdgeCodeResponse = z.infer<typeof EdgeCodeResponse>;

export const EdgeEnrollRequest = z.object({ code: z.string().min(4).max(32), edgeName: z.string().min(1).max(100) });
export type EdgeEnrollRequest = z.infer<typeof EdgeEnrollRequest>;
export const EdgeEnrollResponse = z.object({ edgeId: Id, token: z.string().min(16).max(300), school: School });
export type EdgeEnrollResponse = z.infer<typeof EdgeEnrollResponse>;

/** The device token travels in the body (never logged), over the edge's own authenticated call. */
export const EdgeAuthoriseRequest = z.object({ deviceToken: z.string().min(16).max(300) });
export const EdgeDevice = z.object({ deviceId: Id, classroomId: Id, schoolId: Id });
export type EdgeDevice = z.infer<typeof EdgeDevice>;
/**
 * The county's decision about a device, always in a 200 answer: a non-2xx answer to this call is about the edge itself
 * (its token unknown or revoked), which the edge must never pass on to a classroom as the classroom's own refusal.
 */
export const EdgeAuthoriseResponse = z.discriminatedUnion('allowed', [
  z.object({ allowed: z.literal(true), device: EdgeDevice }),
  z.object({ allowed: z.literal(false), code: z.enum(['unauthorized', 'device_revoked', 'wrong_school', 'rate_limited']), message: z.string().max(500) }),
]);
export type EdgeAuthoriseResponse = z.infer<typeof EdgeAuthoriseResponse>;

/** A file the edge should hold: what it needs to fetch and verify it chunk by chunk (from the signed manifests). */
export const EdgeFile = z.object({
  sha256: Sha256Hex,
  size: z.number().int().min(0).max(MAX_FILE_SIZE),
  chunkSize: z.number().int().min(MIN_CHUNK_SIZE).max(MAX_CHUNK_SIZE),
  chunks: z.array(Sha256Hex).max(1_000_000),
});
export type EdgeFile = z.infer<typeof EdgeFile>;
export const EdgePinnedResponse = z.object({ files: z.array(EdgeFile).max(100_000) });
export type EdgePinnedResponse = z.infer<typeof EdgePinnedResponse>;

export const EdgeHealth = z.enum(['ok', 'upstream_unreachable', 'disk_full']);
export type EdgeHealth = z.infer<typeof EdgeHealth>;

/** Live on the edge: each lesson's feed from the county, who watches it here, and a feed found silent. */
export const EdgeLiveStatus = z.object({
  feeds: z.array(
    z.object({
      lessonId: Id,
      /** Classrooms watching it through the edge now (sockets: a classroom with two PCs counts twice). */
      classrooms: z.array(Id),
      watchers: z.number().int(),
      /** Bytes that came down the feed's transport (RTP and RTCP) since it was opened. */
      bytesReceived: z.number().int(),
      /** The layer the edge asks of the county per video. */
      layers: z.array(z.object({ source: MediaSource, spatialLayer: z.number().int() })),
      /** Classrooms' return cameras going up it. */
      returns: z.number().int(),
    }),
  ),
  /** A feed whose RTP never arrived, or stopped mid-lesson (`kind`): classrooms are sent to the county until retryAt
   *  (`edge_feed_silent`). */
  silent: z.object({ lessonId: Id, kind: z.enum(['never_arrived', 'stopped']), since: IsoDateTime, waitedMs: z.number().int(), retryAt: IsoDateTime }).nullable(),
  silentEvents: z.number().int(),
});
export type EdgeLiveStatus = z.infer<typeof EdgeLiveStatus>;

export const EdgeStatus = z.object({
  edgeName: z.string(),
  school: School,
  upstream: z.string(),
  health: EdgeHealth,
  /** The last upstream failure, in words, while health is not ok. */
  problem: z.string().optional(),
  classrooms: z.array(z.object({ classroomId: Id, devices: z.number().int(), lastSeenAt: IsoDateTime })),
  cache: z.object({ usedBytes: z.number().int(), capBytes: z.number().int(), blobs: z.number().int(), pinnedBlobs: z.number().int() }),
  /** Content bytes fetched over the school's uplink vs served on the LAN: the difference is what the edge saved. */
  bytes: z.object({ uplinkFetched: z.number().int(), lanServed: z.number().int(), saved: z.number().int() }),
  refusals: z.object({ wrongSchool: z.number().int(), unauthorised: z.number().int() }),
  /** Null: the edge has no SFU (its classrooms watch live lessons from the county hub). */
  live: EdgeLiveStatus.nullable(),
});
export type EdgeStatus = z.infer<typeof EdgeStatus>;

/** DNS-SD service type an edge announces on the school LAN (`_ykt-edge._tcp`), with TXT `school=<schoolId>`. */
export const EDGE_SERVICE_TYPE = 'ykt-edge';

/** An edge found on the LAN by the Electron main process: where it is and which school it says it serves. */
export const DiscoveredEdge = z.object({ url: z.url({ protocol: /^https?$/ }).max(200), schoolId: Id, name: z.string().min(1).max(100) });
export type DiscoveredEdge = z.infer<typeof DiscoveredEdge>;
