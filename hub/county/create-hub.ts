// The county hub's entry point: the one server of hub/core (create-server.ts: error shape, CORS, protocol check,
// access groups) with the county's features wired into their access groups. Only this file and the school edge's
// (hub/school-edge/edge-app.ts) wire features; a feature never imports another's wiring.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { LIVE_WS_PATH } from '../../src/shared/live-protocol.ts';
import { SYNC_WS_PATH } from '../../src/shared/sync-socket-protocol.ts';
import type { PostgresDb } from '../core/db/postgres-db.ts';
import { bridgeQuizEvents } from '../features/quiz/quiz-events-bridge.ts';
import { registerPracticeAdminRoutes } from '../features/practice/practice-routes.ts';
import { HUB_TIME_HEADER, HubPaths, PROTOCOL_VERSION, PUSH_HUB_MAX_OPS, PUSH_MAX_OPS_HEADER, type HealthResponse } from '../../src/shared/protocol.ts';
import { registerContentRoutes } from '../features/content/content-routes.ts';
import { signUnsignedPacks } from '../features/content/content-repo.ts';
import { ephemeralPackSigner, type PackSigner } from '../core/signing/pack-signing.ts';
import { registerNetProbeRoutes } from '../features/diagnostics/net-probe-routes.ts';
import { registerClusterRoutes } from '../features/live/cluster/cluster-routes.ts';
import { attachLiveSocket, registerLiveAdminRoutes, registerLivePublicRoutes } from '../features/live/signalling/live-routes.ts';
import type { LiveSfu } from '../features/live/sfu/live-sfu.ts';
import { createEdgeFeeds } from '../features/edge/county/edge-feed.ts';
import { registerEdgeFeedAdminRoutes, registerEdgeFeedRoutes } from '../features/edge/county/edge-feed-routes.ts';
import type { LessonRecorder } from '../features/live/recording/lesson-recorder.ts';
import { createHubEvents } from '../core/hub-events.ts';
import { registerPushRoute, registerReportPage, registerReportRoutes } from '../features/records/sync-routes.ts';
import { attachSyncSocket, type SyncSocketOptions } from '../features/records/sync-socket.ts';
import type { LiveSocketOptions } from '../features/live/signalling/live-signalling.ts';
import { registerUpdateRoutes } from '../features/updates/update-routes.ts';
import type { HubRoute, RouteTable } from '../core/http/access-groups.ts';
import { createServer, type ServerLogger } from '../core/http/create-server.ts';
import { registerAdminRoutes } from '../features/org/admin-routes.ts';
import { adminGuard, clusterGuard, deviceGuard } from '../features/org/auth-guards.ts';
import { registerEnrollRoute } from '../features/org/device-routes.ts';
import { registerPullRoute } from '../features/records/pull-route.ts';
import { edgeGuard, registerEdgeAdminRoutes, registerEdgeEnrollRoute, registerEdgeRoutes } from '../features/edge/county/county-edge-routes.ts';
import type { HubContext } from '../core/http/hub-context.ts';
import { createHubAttempts, defaultHubLimits, type HubLimits } from '../core/http/hub-limits.ts';
import { startReportRefresher } from '../features/report/report-refresher.ts';
import { registerAdminTermReport, registerStaffPublicRoutes, registerStaffReportRoutes, withoutCors } from '../features/report/report-routes.ts';
import { staffGuard } from '../features/staff/staff-auth.ts';
import { registerStaffAdminRoutes } from '../features/staff/staff-admin-routes.ts';
import { registerResearchRoutes } from '../features/research/research-routes.ts';
import { registerStaffAccountRoutes } from '../features/staff/staff-account-routes.ts';
import type { Timers } from '../../src/shared/timers.ts';

/** Routes a test build adds (hub/testing/): given the table, so they too must sit in an access group. */
export type HubExtension = (hub: { app: FastifyInstance; table: RouteTable; ctx: HubContext }) => Promise<void>;

export type CreateHubOptions = Pick<HubContext, 'db' | 'hubName' | 'contentDir'> & {
  /** The admin credential's SHA-256 (hex), as `npm run hub` keeps it; or the credential itself (tests). */
  adminTokenHash?: string;
  adminToken?: string;
  now?: () => Date;
  /** The report aggregates' background refresh (report-refresher.ts): tests pass timers that never fire to drive it. */
  reportRefresher?: { everyMs?: number; timers?: Timers };
  /** The hub's pack-signing key (main.ts loads it from HUB_DATA_DIR); tests get one that lives as long as the hub. */
  packSigner?: PackSigner;
  logger?: ServerLogger;
  bodyLimitBytes?: number;
  limits?: Partial<HubLimits>;
  /** The SFU for live lessons, or why there is none (shown to clients that try to join). */
  live?: {
    sfu: LiveSfu | null;
    unavailable?: string;
    recorder?: LessonRecorder | null;
    /** Where school edges' live feeds listen (UDP, one port per feed) and the address told to edges (default: every
     *  interface, and the edge sends to the address it reaches the hub at). */
    edgeFeed?: { listenIp?: string; announcedIp?: string };
    /** The live socket's join deadline and per-device caps (tests shorten or share them). */
    socket?: LiveSocketOptions;
  };
  /** Folder of the electron-updater feed (`<data>/updates`); without it /updates/* answers 404. */
  updatesDir?: string;
  extensions?: HubExtension[];
  /** Called for every route with its access group (the fuzz test's route list). */
  onRoute?: (route: HubRoute) => void;
  /**
   * Addresses (or CIDRs) of the load balancer / cache in front of the hub, whose X-Forwarded-For is believed: the
   * per-address attempt limits must count classrooms, not the one proxy every request comes through.
   */
  trustProxy?: string[];
  /** HUB_CLUSTER_SECRET: other hub nodes' calls (the `cluster` group) must carry it; without it they are all refused. */
  clusterSecret?: string;
  /** The sync socket's timeouts (tests shorten them). */
  syncSocket?: SyncSocketOptions;
  /** Serve HTTPS (and wss for live signalling, on the same server) with this certificate; plain HTTP without it. */
  tls?: { cert: string; key: string };
};

const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

export async function createHub(options: CreateHubOptions): Promise<FastifyInstance> {
  const now = options.now ?? (() => new Date());
  const adminTokenHash = options.adminTokenHash ?? (options.adminToken !== undefined ? hashOf(options.adminToken) : undefined);
  if (!adminTokenHash || !/^[0-9a-f]{64}$/.test(adminTokenHash)) throw new Error('createHub needs the admin token or its SHA-256 (hex)');
  const ctx: HubContext = {
    db: options.db,
    hubName: options.hubName,
    adminTokenHash,
    now,
    attempts: createHubAttempts({ ...defaultHubLimits, ...options.limits }, now, options.db),
    packSigner: options.packSigner ?? ephemeralPackSigner(),
    events: createHubEvents(),
    ...(options.contentDir !== undefined ? { contentDir: options.contentDir } : {}),
  };
  const { app, table } = await createServer({
    speaker: 'hub',
    logger: options.logger ?? false,
    ...(options.bodyLimitBytes !== undefined ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    exposedHeaders: [HUB_TIME_HEADER, PUSH_MAX_OPS_HEADER],
    webSocketPaths: [LIVE_WS_PATH, SYNC_WS_PATH],
    guards: { device: deviceGuard(ctx), edge: edgeGuard(ctx), admin: adminGuard(ctx), 'admin-page': adminGuard(ctx, { queryKey: true }), cluster: clusterGuard(ctx, options.clusterSecret === undefined ? undefined : hashOf(options.clusterSecret)), staff: staffGuard(ctx) },
    ...(options.onRoute ? { onRoute: options.onRoute } : {}),
  });
  // Packs stored before signing (or signed by a key no longer in use) are signed now: the hub serves only signed packs.
  const { signed, unreadable } = await signUnsignedPacks(ctx.db, ctx.packSigner);
  if (signed.length > 0) app.log.info({ packs: signed }, 'signed packs stored before signing or under another key');
  if (unreadable.length > 0) app.log.warn({ packs: unreadable }, 'packs whose stored manifest fails today\'s checks: not listed to classrooms');

  // Every answer carries the hub's clock, so a classroom PC with a flat CMOS battery learns how far off it is, and the
  // push batch size it takes, so the first drain after a restart (often ten thousand ops) goes in full batches at once.
  app.addHook('onSend', async (_request, reply) => {
    reply.header(HUB_TIME_HEADER, String(ctx.now().getTime()));
    reply.header(PUSH_MAX_OPS_HEADER, String(PUSH_HUB_MAX_OPS));
  });

  const live = { sfu: options.live?.sfu ?? null, unavailable: options.live?.unavailable ?? 'no SFU configured', recorder: options.live?.recorder ?? null, ...(options.live?.socket ? { socket: options.live.socket } : {}) };
  attachLiveSocket(app, ctx, live);
  // The device group's other door: long drains go up one WebSocket, each frame authenticated as the group's guard does.
  const syncSocket = attachSyncSocket(app.server, ctx, app.log, options.syncSocket);
  app.addHook('preClose', async () => syncSocket.close());
  // Live through school edges: one feed per school and lesson (hub/features/edge/county/edge-feed.ts).
  const feeds = live.sfu ? createEdgeFeeds({ listenIp: options.live?.edgeFeed?.listenIp ?? '0.0.0.0', announcedIp: options.live?.edgeFeed?.announcedIp }) : null;
  app.addHook('onClose', async () => feeds?.stop());
  // Several nodes on one PostgreSQL: quiz answers applied on any node reach a lead console connected to this one.
  if (options.db.dialect === 'postgres' && 'pool' in options.db && ctx.events) {
    const bridge = await bridgeQuizEvents((options.db as PostgresDb).pool, ctx.events, (message) => app.log.warn(message));
    app.addHook('onClose', async () => bridge.close());
  }
  // The report's aggregates: pairs pushes marked, recomputed in the background (an upgraded hub's backfill too).
  const reportRefresher = startReportRefresher(options.db, { ...options.reportRefresher, onError: (error) => app.log.error(error, 'report aggregates: refresh failed') });
  app.addHook('onClose', async () => reportRefresher.stop());
  const registerEdgeGroup = async (routes: RouteTable) => {
    let uplink: ReturnType<typeof registerEdgeRoutes> | undefined;
    await routes.group('edge', (edge) => {
      uplink = registerEdgeRoutes(edge, ctx);
      registerEdgeFeedRoutes(edge, ctx, { ...live, feeds });
    });
    if (!uplink) throw new Error('edge routes not registered');
    return uplink;
  };
  await table.group('public', (open) => {
    open.get(HubPaths.health, async () => {
      const health: HealthResponse = { protocol: PROTOCOL_VERSION, hubName: ctx.hubName, serverTime: ctx.now().toISOString() };
      return health;
    });
    registerEnrollRoute(open, ctx);
    registerEdgeEnrollRoute(open, ctx);
    registerLivePublicRoutes(open, live);
    registerUpdateRoutes(open, options.updatesDir);
    // The staff page shell and sign-in (hub/features/report/): same-origin only, like the staff group below.
    void open.register(async (staffOpen) => {
      withoutCors(staffOpen);
      registerStaffPublicRoutes(staffOpen, ctx);
    });
  });
  await table.group('device', (device) => {
    registerPullRoute(device, ctx);
    registerPushRoute(device, ctx);
    registerContentRoutes(device, ctx);
    registerNetProbeRoutes(device);
  });
  // School edges (hub/features/edge/county/): the edge token's own group; the code that enrolls one is issued in the admin group.
  const edgeUplink = await registerEdgeGroup(table);
  await table.group('admin', (admin) => {
    registerAdminRoutes(admin, ctx);
    registerEdgeAdminRoutes(admin, ctx, edgeUplink);
    registerEdgeFeedAdminRoutes(admin, feeds);
    registerReportRoutes(admin, ctx);
    registerPracticeAdminRoutes(admin, ctx);
    registerAdminTermReport(admin, ctx);
    registerStaffAdminRoutes(admin, ctx);
    registerLiveAdminRoutes(admin, ctx, live);
  });
  await table.group('admin-page', (adminPage) => registerReportPage(adminPage, ctx));
  await table.group('staff', (staff) => {
    withoutCors(staff);
    registerStaffReportRoutes(staff, ctx);
    registerResearchRoutes(staff, ctx);
    registerStaffAccountRoutes(staff, ctx);
  });
  await table.group('cluster', (cluster) => registerClusterRoutes(cluster, live.sfu));
  for (const extend of options.extensions ?? []) await extend({ app, table, ctx });
  return app;
}
