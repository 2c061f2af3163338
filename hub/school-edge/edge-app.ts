// The school edge's entry point: the county hub's one server (hub/core create-server.ts: error shape, Retry-After,
// protocol check, CORS, access groups) with the edge's features — the hub's content API for the school's classrooms
// (pack list passed through, blobs from the edge's disk), records forwarded to the county hub unchanged, live from the
// edge's own SFU, and IT's status — so the renderer's one hub client talks to either.
import type { FastifyInstance } from 'fastify';
import { ContentPaths } from '../../src/shared/content-protocol.ts';
import type { DownloadHours } from '../../src/shared/download-hours.ts';
import type { School } from '../../src/shared/protocol.ts';
import { HubPaths, PROTOCOL_VERSION, type HealthResponse } from '../../src/shared/protocol.ts';
import type { HubRoute } from '../core/http/access-groups.ts';
import { createAttemptLimiter } from '../core/http/attempt-limiter.ts';
import { createServer, type ServerLogger } from '../core/http/create-server.ts';
import { defaultHubLimits } from '../core/http/hub-limits.ts';
import { inMemory } from '../core/http/store-attempt-limiter.ts';
import { LIVE_WS_PATH, livePaths, type CapabilitiesResponse } from '../../src/shared/live-protocol.ts';
import { openDatabase } from '../core/db/open-database.ts';
import type { LiveSfu } from '../features/live/sfu/live-sfu.ts';
import { createEdgeLive, type EdgeLiveOptions } from '../features/edge/school/edge-live.ts';
import { attachEdgeLiveSignalling } from '../features/edge/school/edge-live-socket.ts';
import { openBlobCache } from '../features/edge/school/blob-cache.ts';
import { createBlobFetcher } from '../features/edge/school/blob-fetcher.ts';
import { createDeviceAuthoriser } from '../features/edge/school/device-authoriser.ts';
import { callerOf, edgeAdminGuard, edgeDeviceGuard } from '../features/edge/school/edge-guards.ts';
import { createEdgeContent } from '../features/edge/school/edge-content.ts';
import { createPrefetcher } from '../features/edge/school/edge-prefetch.ts';
import { createUplinkCap } from '../features/edge/school/uplink-cap.ts';
import { registerEdgeBlobRoute } from '../features/edge/school/edge-blob-route.ts';
import { registerEdgeRecordRoutes } from '../features/edge/school/edge-records.ts';
import { createEdgeStats, registerEdgeStatusPage, registerEdgeStatusRoutes } from '../features/edge/school/edge-status.ts';
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
  logger?: ServerLogger;
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
  liveSilence?: Pick<EdgeLiveOptions, 'feedSilentMs' | 'feedStoppedMs' | 'silentRetryMs'>;
  log?: (line: string) => void;
  /** Called for every route with its access group (the fuzz's route list). */
  onRoute?: (route: HubRoute) => void;
};

export async function createEdge(options: EdgeOptions): Promise<FastifyInstance> {
  const upstream = createUpstream({
    base: options.upstream,
    edgeToken: options.edgeToken,
    cap: createUplinkCap(options.maxUplinkBytesPerSecond ?? null),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const authoriser = createDeviceAuthoriser(upstream);
  const stats = createEdgeStats();
  const adminFailures = inMemory(createAttemptLimiter(defaultHubLimits.consoleLoginPerAddress, Date.now));
  // The county hub's server (hub/core): same error shape, Retry-After, protocol check, CORS and access groups.
  const { app, table } = await createServer({
    speaker: 'edge',
    webSocketPaths: options.sfu ? [LIVE_WS_PATH] : [],
    logger: options.logger ?? false,
    guards: {
      device: edgeDeviceGuard(authoriser, stats),
      admin: edgeAdminGuard(options.adminToken, adminFailures),
      'admin-page': edgeAdminGuard(options.adminToken, adminFailures, { queryKey: true }),
    },
    ...(options.onRoute ? { onRoute: options.onRoute } : {}),
    onRefusal: (refusal) => {
      if (refusal.code === 'wrong_school') stats.refusals.wrongSchool++;
      if (refusal.code === 'unauthorized' || refusal.code === 'device_revoked') stats.refusals.unauthorised++;
    },
  });
  const cache = openBlobCache(options.cacheDir, options.cacheCapBytes);
  const fetcher = createBlobFetcher(cache, (sha, start, end) => upstream.blobRange(sha, start, end), app.log);
  const content = createEdgeContent(upstream);

  // Live (when the edge has an SFU) is shown on the status page; a silent feed makes the health say no live here.
  const edgeLive = options.sfu ? attachEdgeLive(app, options, options.sfu, { upstream, authoriser, stats }) : null;
  await table.group('public', (open) => {
    open.get(HubPaths.health, async () => {
      const health: HealthResponse = { protocol: PROTOCOL_VERSION, hubName: options.edgeName, serverTime: new Date().toISOString(), live: Boolean(options.sfu) && !edgeLive?.silent() };
      return health;
    });
    if (options.sfu) {
      const sfu = options.sfu;
      open.get(livePaths.capabilities, async () => {
        const body: CapabilitiesResponse = { routerRtpCapabilities: { ...sfu.routerRtpCapabilities } };
        return body;
      });
    }
  });
  await table.group('device', (device) => {
    device.get(ContentPaths.packs, async (request, reply) => {
      const { device: caller, token } = callerOf(request);
      const text = await content.packList(caller.classroomId, token);
      return reply.type('application/json').send(text);
    });
    registerEdgeBlobRoute(device, { content, cache, fetcher, stats });
    registerEdgeRecordRoutes(device, { upstream });
  });
  const statusDeps = { options, cache, upstream, stats, live: edgeLive };
  await table.group('admin', (admin) => registerEdgeStatusRoutes(admin, statusDeps));
  await table.group('admin-page', (adminPage) => registerEdgeStatusPage(adminPage, statusDeps));

  const prefetcher = createPrefetcher({ upstream, cache, fetcher, hours: options.prefetchHours === undefined ? false : options.prefetchHours, now: () => new Date(), log: app.log });
  void prefetcher.refresh();
  const timer = setInterval(() => void prefetcher.refresh(), options.pinRefreshMs ?? 10 * 60_000);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
  return app;
}

/** Live on the edge: /v1/live/ws for the school's classrooms (the router's codecs are a public route above). */
function attachEdgeLive(
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
  // preClose: the HTTP server's close waits for upgraded sockets too (see hub/features/live/signalling/live-routes.ts).
  app.addHook('preClose', async () => {
    await signalling.close();
    live.close();
    await db.close();
  });
  return live;
}
