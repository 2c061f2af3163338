// The school edge's HTTP server: the hub's content API for the school's classrooms (pack list passed through, blobs
// from the edge's disk), records forwarded to the county hub unchanged, and IT's status. Same error shape, protocol
// check and CORS as the county hub, so the renderer's one hub client talks to either.
import cors from '@fastify/cors';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { ContentPaths } from '../../src/shared/content-protocol.ts';
import type { DownloadHours } from '../../src/shared/download-hours.ts';
import type { School } from '../../src/shared/protocol.ts';
import { HubPaths, PROTOCOL_HEADER, PROTOCOL_VERSION, type ErrorResponse, type HealthResponse } from '../../src/shared/protocol.ts';
import { HubError } from '../core/http/hub-error.ts';
import { livePaths, type CapabilitiesResponse } from '../../src/shared/live-protocol.ts';
import { openDatabase } from '../core/db/open-database.ts';
import type { LiveSfu } from '../features/live/sfu/live-sfu.ts';
import { createEdgeLive, type EdgeLiveOptions } from '../features/edge/school/edge-live.ts';
import { attachEdgeLiveSignalling } from '../features/edge/school/edge-live-socket.ts';
import { openBlobCache } from '../features/edge/school/blob-cache.ts';
import { createBlobFetcher } from '../features/edge/school/blob-fetcher.ts';
import { createDeviceAuthoriser } from '../features/edge/school/device-authoriser.ts';
import { createEdgeContent } from '../features/edge/school/edge-content.ts';
import { createPrefetcher } from '../features/edge/school/edge-prefetch.ts';
import { createUplinkCap } from '../features/edge/school/uplink-cap.ts';
import { registerEdgeBlobRoute } from '../features/edge/school/edge-blob-route.ts';
import { registerEdgeRecordRoutes } from '../features/edge/school/edge-records.ts';
import { createEdgeStats, registerEdgeStatusRoutes } from '../features/edge/school/edge-status.ts';
import { createUpstream } from '../features/edge/school/upstream.ts';

export type EdgeOptions = {
  edgeName: string;
  school: School;
  upstream: string;
  edgeToken: string;
  /** The edge's admin secret, for IT's status page. */
  adminToken: string;
  cacheDir: string;
  cacheCapBytes: number;
  logger?: boolean;
  fetch?: typeof fetch;
  /** How often the pinned list (packs of the next days' lessons) is refreshed. */
  pinRefreshMs?: number;
  /** When the edge fetches pinned packs ahead, unasked (null: any time; false, the default: never). */
  prefetchHours?: DownloadHours | null | false;
  /** Cap on content pulled over the uplink (bytes/s; null: none). */
  maxUplinkBytesPerSecond?: number | null;
  /** The edge's own SFU: live lessons for the school's classrooms, fed once from the county (none: they go there). */
  sfu?: LiveSfu | null;
  /** When a feed counts as silent (no RTP this long after going on air) and how long classrooms then stay away. */
  liveSilence?: Pick<EdgeLiveOptions, 'feedSilentMs' | 'silentRetryMs'>;
  log?: (line: string) => void;
};

export async function createEdge(options: EdgeOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 4 * 1024 * 1024 });
  const upstream = createUpstream({
    base: options.upstream,
    edgeToken: options.edgeToken,
    cap: createUplinkCap(options.maxUplinkBytesPerSecond ?? null),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const cache = openBlobCache(options.cacheDir, options.cacheCapBytes);
  const fetcher = createBlobFetcher(cache, (sha, start, end) => upstream.blobRange(sha, start, end), app.log);
  const authoriser = createDeviceAuthoriser(upstream);
  const content = createEdgeContent(upstream);
  const stats = createEdgeStats();

  // As the county hub (create-hub.ts): any origin, credentialed requests too (the downloader's second connection pool).
  await app.register(cors, {
    origin: true,
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'content-encoding', 'range', 'if-none-match', PROTOCOL_HEADER],
    exposedHeaders: ['content-range', 'content-length', 'etag', 'accept-ranges'],
    maxAge: 86_400,
  });
  app.addHook('onRequest', async (request) => {
    const header = request.headers[PROTOCOL_HEADER];
    if (header === undefined || request.method === 'OPTIONS') return;
    const version = Number(header);
    if (!Number.isInteger(version)) throw new HubError('bad_request', `${PROTOCOL_HEADER} must be an integer`);
    if (version < PROTOCOL_VERSION) throw new HubError('client_too_old', `edge speaks protocol ${PROTOCOL_VERSION}, client ${version}`);
    if (version > PROTOCOL_VERSION) throw new HubError('hub_too_old', `edge speaks protocol ${PROTOCOL_VERSION}, client ${version}`);
  });
  app.setErrorHandler((error: FastifyError | HubError, request, reply) => {
    let hubError: HubError;
    if (error instanceof HubError) hubError = error;
    else if (error.statusCode === 413) hubError = new HubError('payload_too_large', error.message);
    else if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) hubError = new HubError('bad_request', error.message);
    else {
      request.log.error(error);
      hubError = new HubError('internal', 'internal error');
    }
    if (hubError.code === 'wrong_school') stats.refusals.wrongSchool++;
    if (hubError.code === 'unauthorized' || hubError.code === 'device_revoked') stats.refusals.unauthorised++;
    if (hubError.retryAfterSeconds !== undefined) reply.header('retry-after', String(hubError.retryAfterSeconds));
    const body: ErrorResponse = { error: { code: hubError.code, message: hubError.message } };
    return reply.status(hubError.status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorResponse = { error: { code: 'not_found', message: `${request.method} ${request.url}`.slice(0, 300) } };
    return reply.status(404).send(body);
  });

  app.get(HubPaths.health, async () => {
    const health: HealthResponse = { protocol: PROTOCOL_VERSION, hubName: options.edgeName, serverTime: new Date().toISOString(), live: Boolean(options.sfu) && !edgeLive?.silent() };
    return health;
  });

  const deviceToken = (authorization: string | undefined) => /^Bearer ([A-Za-z0-9._~+/=-]{16,300})$/.exec(authorization ?? '')?.[1];
  const authorise = async (authorization: string | undefined) => {
    const token = deviceToken(authorization);
    const device = await authoriser.authorise(token);
    stats.seen(device.classroomId, device.deviceId);
    return { device, token: token ?? '' };
  };

  app.get(ContentPaths.packs, async (request, reply) => {
    const { device, token } = await authorise(request.headers.authorization);
    const text = await content.packList(device.classroomId, token);
    return reply.type('application/json').send(text);
  });
  registerEdgeBlobRoute(app, { authorise, content, cache, fetcher, stats });
  registerEdgeRecordRoutes(app, { authorise, upstream });
  // Live (when the edge has an SFU) is shown on the status page; a silent feed makes the health say no live here.
  const edgeLive = options.sfu ? registerEdgeLive(app, options, options.sfu, { upstream, authoriser, stats }) : null;
  registerEdgeStatusRoutes(app, { options, cache, upstream, stats, live: edgeLive });

  const prefetcher = createPrefetcher({ upstream, cache, fetcher, hours: options.prefetchHours === undefined ? false : options.prefetchHours, now: () => new Date(), log: app.log });
  void prefetcher.refresh();
  const timer = setInterval(() => void prefetcher.refresh(), options.pinRefreshMs ?? 10 * 60_000);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
  return app;
}

/** Live on the edge: /v1/live/ws for the school's classrooms and the router's codecs (as the county serves them). */
function registerEdgeLive(
  app: FastifyInstance,
  options: EdgeOptions,
  sfu: LiveSfu,
  parts: { upstream: ReturnType<typeof createUpstream>; authoriser: ReturnType<typeof createDeviceAuthoriser>; stats: ReturnType<typeof createEdgeStats> },
) {
  const log = options.log ?? ((line: string) => app.log.info(line));
  const live = createEdgeLive({ sfu, upstream: parts.upstream, upstreamBase: options.upstream, log, ...options.liveSilence });
  const db = openDatabase(':memory:');
  const signalling = attachEdgeLiveSignalling(app.server, {
    live,
    authoriser: parts.authoriser,
    upstream: options.upstream,
    db,
    now: () => new Date(),
    onSeen: (classroomId, deviceId) => parts.stats.seen(classroomId, deviceId),
    onRefused: (code) => {
      if (code === 'wrong_school') parts.stats.refusals.wrongSchool++;
      if (code === 'unauthorized' || code === 'device_revoked') parts.stats.refusals.unauthorised++;
    },
  });
  app.get(livePaths.capabilities, async () => {
    const body: CapabilitiesResponse = { routerRtpCapabilities: { ...sfu.routerRtpCapabilities } };
    return body;
  });
  // preClose: the HTTP server's close waits for upgraded sockets too (see hub/features/live/signalling/live-routes.ts).
  app.addHook('preClose', async () => {
    await signalling.close();
    live.close();
    await db.close();
  });
  return live;
}
