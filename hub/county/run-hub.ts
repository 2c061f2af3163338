// Starts the hub from its environment: `npm run hub` (hub/main.ts), `npm start` (with demo data), and the test build
// (hub/testing/test-main.ts, which adds test-only routes). Safe defaults for a county network: no demo data unless
// HUB_DEMO=1, and an admin token that is given or made once (admin-token.ts), kept only as a hash.
import { mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { LOG_LEVELS } from '../core/http/create-server.ts';
import { openHubDatabase } from '../core/db/open-database.ts';
import { demoEnrollmentCodes, seedDemo } from '../features/demo/seed-demo.ts';
import { demoStaffLine, ensureDemoStaff } from '../features/staff/demo-staff.ts';
import { ensureDemoContent } from '../features/demo/demo-content.ts';
import { loadAdminCredential } from '../core/http/admin-token.ts';
import { readHubTls } from '../core/http/hub-tls.ts';
import { createHub, type HubExtension } from './create-hub.ts';
import { loadOrCreatePackSigner } from '../core/signing/pack-signing.ts';
import { ensureDemoLiveLesson, startDemoBroadcast, type DemoBroadcast } from '../features/live/broadcast/demo-live.ts';
import { tcpTuningAdvice } from '../features/diagnostics/tcp-tuning.ts';
import { createLiveSfu, liveUnavailableReason, type LiveSfu } from '../features/live/sfu/live-sfu.ts';
import { liveCluster } from '../features/live/cluster/live-cluster-env.ts';
import type { LessonRecorder } from '../features/live/recording/lesson-recorder.ts';
import { recordingUnavailableReason, startLessonRecorder } from '../features/live/recording/start-recorder.ts';
import { FFMPEG_ADVICE, ffmpegMissing } from '../features/live/recording/ffmpeg-process.ts';
import { installGracefulShutdown } from '../core/http/graceful-shutdown.ts';

const Env = z.object({
  HUB_HOST: z.string().default('127.0.0.1'),
  HUB_PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HUB_DATA_DIR: z.string().default(join(import.meta.dirname, '..', 'data')),
  /** PostgreSQL (postgres://user@host/db) instead of HUB_DATA_DIR/hub.sqlite: several hub nodes share one database. */
  HUB_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL').optional(),
  /**
   * PostgreSQL connections this node holds (default 10). All nodes together want about twice the database server's
   * cores: more only make its backends contend (npm run load, README Figures).
   */
  HUB_DB_POOL: z.coerce.number().int().min(2).max(200).default(10),
  /** Shown to classrooms when they enroll. */
  HUB_NAME: z.string().min(1).max(200).optional(),
  HUB_ADMIN_TOKEN: z.string().min(16).optional(),
  /** Demo alliance, reusable codes and demo content: opt-in (`npm start` turns it on), never on a county hub. */
  HUB_DEMO: z.enum(['0', '1']).default('0'),
  /** Put the demo live lesson on air with the headless broadcaster (ffmpeg; `npm start` turns it on). */
  HUB_DEMO_BROADCAST: z.enum(['0', '1']).default('0'),
  /** Add the demo live lesson (timed "now") without putting it on air; implied by HUB_DEMO_BROADCAST=1. */
  HUB_DEMO_LIVE: z.enum(['0', '1']).default('0'),
  /** UDP and TCP port of SFU worker 0's viewers; worker i uses HUB_RTC_PORT + i (open the range in the firewall). */
  HUB_RTC_PORT: z.coerce.number().int().min(1).max(65535).default(40443),
  /** mediasoup workers, one per core by default (each is a single-threaded process). */
  HUB_SFU_WORKERS: z.coerce.number().int().min(1).max(256).default(availableParallelism()),
  /** Classrooms on one router of a lesson before it fans out to another worker (mediasoup: ~500 consumers a core). */
  HUB_SFU_VIEWERS_PER_WORKER: z.coerce.number().int().min(1).max(100_000).default(400),
  HUB_RTC_LISTEN_IP: z.string().default('0.0.0.0'),
  /** The address classrooms reach the hub at, given to browsers in ICE candidates (default: each interface's own). */
  HUB_RTC_ANNOUNCED_IP: z.string().optional(),
  /** Record every live lesson into its recording pack (needs ffmpeg with libx264). */
  HUB_RECORD: z.enum(['0', '1']).default('1'),
  /** Nothing on air this long (without 下课) = the lesson is over and its recording is made. */
  HUB_RECORD_END_GRACE_S: z.coerce.number().min(1).max(3600).default(60),
  /** The demo broadcast also sends slides as a second source (courseware). */
  HUB_DEMO_COURSEWARE: z.enum(['0', '1']).default('0'),
  /** HTTPS (and wss) with this certificate and key (PEM files; `npm run hub:cert` makes a county self-signed pair). */
  HUB_TLS_CERT: z.string().min(1).optional(),
  HUB_TLS_KEY: z.string().min(1).optional(),
  /** This node's name in the live registry (several nodes on PostgreSQL); default: <host name>-<HUB_PORT>. */
  HUB_NODE_ID: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, . _ - (1–100)').optional(),
  /** Where the other nodes reach this one (its private-network address and HUB_PORT), e.g. http://10.0.0.11:8787. */
  HUB_NODE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Shared by every node (≥ 32 characters): their live calls to each other (cross-node piping) carry it. */
  HUB_CLUSTER_SECRET: z.string().min(32).max(300).regex(/^[A-Za-z0-9._~+/=-]+$/, 'letters, digits and ._~+/=-').optional(),
  /** Address this node's pipe transports listen on and announce to the other nodes; default: HUB_NODE_URL's host. */
  HUB_NODE_PIPE_IP: z.union([z.ipv4(), z.ipv6()]).optional(),
  /** Comma-separated addresses/CIDRs of the load balancer and cache in front (several nodes): their X-Forwarded-For counts. */
  /** The server's log (pino JSON lines on stdout): warn shows 500s and failed background work; info adds every request. */
  HUB_LOG_LEVEL: z.enum(LOG_LEVELS).default('warn'),
  HUB_TRUST_PROXY: z
    .string()
    .optional()
    .transform((list) => (list ?? '').split(',').map((a) => a.trim()).filter((a) => a.length > 0)),
});

export async function runHub(environment: NodeJS.ProcessEnv, log: (line: string) => void, extensions: HubExtension[] = []) {
  const env = Env.parse(environment);
  if ((env.HUB_TLS_CERT === undefined) !== (env.HUB_TLS_KEY === undefined)) {
    log('hub: set both HUB_TLS_CERT and HUB_TLS_KEY (or neither, for plain HTTP on loopback)');
    process.exit(2);
  }
  const tls = env.HUB_TLS_CERT && env.HUB_TLS_KEY ? await readHubTls(env.HUB_TLS_CERT, env.HUB_TLS_KEY) : undefined;
  mkdirSync(env.HUB_DATA_DIR, { recursive: true });
  const tuning = tcpTuningAdvice((path) => {
    try {
      return readFileSync(`/proc/sys/${path}`, 'utf8');
    } catch {
      return null;
    }
  });
  if (tuning) log(tuning);
  const db = await openHubDatabase({
    databaseUrl: env.HUB_DATABASE_URL,
    sqliteFile: join(env.HUB_DATA_DIR, 'hub.sqlite'),
    poolSize: env.HUB_DB_POOL,
    onError: (error) => log(`hub: database connection lost (the pool reconnects): ${error.message}`),
  });
  if (env.HUB_DATABASE_URL) log('hub: store is PostgreSQL (HUB_DATABASE_URL)');
  const admin = loadAdminCredential(env.HUB_DATA_DIR, env.HUB_ADMIN_TOKEN);
  const { signer: packSigner, created: packKeyCreated } = loadOrCreatePackSigner(env.HUB_DATA_DIR);
  if (packKeyCreated) log(`hub: new pack-signing key in ${env.HUB_DATA_DIR} (back it up with hub.sqlite)`);
  if (env.HUB_DEMO === '1' && (await seedDemo(db, new Date()))) log('hub: demo data created');
  if (env.HUB_DEMO === '1') await ensureDemoStaff(db, new Date());
  const contentDir = join(env.HUB_DATA_DIR, 'content');
  // ffmpeg makes the demo video, broadcasts the demo lesson and records lessons: asked once, said once if missing.
  const noFfmpeg = env.HUB_DEMO === '1' || env.HUB_RECORD === '1' ? ffmpegMissing() : null;
  if (noFfmpeg) {
    const without = [env.HUB_DEMO === '1' ? 'the demo video is not made, the demo live lesson stays off air' : '', env.HUB_RECORD === '1' ? 'live lessons are not recorded' : ''].filter(Boolean).join(', ');
    log(`hub: ${noFfmpeg}: ${without} — run \`${FFMPEG_ADVICE}\` (or \`npm install\` as root), then start the hub again`);
  }
  if (env.HUB_DEMO === '1') {
    // Content is a bonus for the demo: a machine without ffmpeg still gets a working hub, and the handouts.
    await ensureDemoContent(db, env.HUB_DATA_DIR, contentDir, new Date(), packSigner, { warn: log, ffmpeg: noFfmpeg === null }).then(
      (made) => made && log('hub: demo content created'),
      (error: unknown) => log(`hub: demo content skipped: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  // Only on request: a lesson timed "now" changes the demo timetable other tests and screenshots rely on.
  const demoLive = env.HUB_DEMO === '1' && (env.HUB_DEMO_LIVE === '1' || env.HUB_DEMO_BROADCAST === '1');
  if (demoLive) await ensureDemoLiveLesson(db, new Date());

  // Live lessons need a mediasoup worker binary; without one the hub still serves everything else and says why.
  let unavailable = liveUnavailableReason();
  let sfu: LiveSfu | null = null;
  const cluster = unavailable ? null : await liveCluster(env, db, hostname(), log);
  if (unavailable) log(`hub: live lessons unavailable: ${unavailable}`);
  else {
    try {
      if (env.HUB_RTC_PORT + env.HUB_SFU_WORKERS - 1 > 65535) throw new Error(`HUB_RTC_PORT + HUB_SFU_WORKERS - 1 is past 65535`);
      sfu = await createLiveSfu({
        rtcPort: env.HUB_RTC_PORT,
        workers: env.HUB_SFU_WORKERS,
        viewersPerRouter: env.HUB_SFU_VIEWERS_PER_WORKER,
        log,
        listenIp: env.HUB_RTC_LISTEN_IP,
        announcedIp: env.HUB_RTC_ANNOUNCED_IP,
        ingestWatch: { silenceMs: 5_000, checkEveryMs: 1_000, log },
        ...(cluster ? { registry: cluster.registry, nodeId: cluster.nodeId, ...(cluster.options ? { cluster: cluster.options } : {}) } : {}),
      });
      const announced = env.HUB_RTC_ANNOUNCED_IP ?? 'each interface’s own address';
      const ports = env.HUB_SFU_WORKERS === 1 ? String(env.HUB_RTC_PORT) : `${env.HUB_RTC_PORT}-${env.HUB_RTC_PORT + env.HUB_SFU_WORKERS - 1}`;
      const pids = sfu.pool.workers().map((w) => w.worker.pid).join(', ');
      log(`hub: live SFU: ${env.HUB_SFU_WORKERS} worker(s) (pids ${pids}) on udp+tcp ${env.HUB_RTC_LISTEN_IP}:${ports} (announced: ${announced})`);
    } catch (error) {
      // e.g. the RTC port is taken: everything but live keeps working, and clients are told why live is off.
      unavailable = `SFU failed to start: ${error instanceof Error ? error.message : String(error)}`;
      log(`hub: live lessons unavailable: ${unavailable}`);
    }
  }

  // Every live lesson is recorded into its recording pack; a hub without ffmpeg still runs live lessons and says why not.
  let recorder: LessonRecorder | null = null;
  if (sfu && env.HUB_RECORD === '1' && noFfmpeg === null) {
    const reason = recordingUnavailableReason();
    if (reason) log(`hub: live lessons are not recorded: ${reason}`);
    else {
      recorder = await startLessonRecorder(sfu, { db, dataDir: env.HUB_DATA_DIR, contentDir, packSigner, endGraceMs: env.HUB_RECORD_END_GRACE_S * 1000, log: (line) => log(`hub: ${line}`) });
      log('hub: every live lesson is recorded');
    }
  }

  const app = await createHub({
    db,
    hubName: env.HUB_NAME ?? (env.HUB_DEMO === '1' ? '四川云教·演示中心' : '四川云教·中心'),
    adminTokenHash: admin.hash,
    contentDir,
    packSigner,
    live: { sfu, recorder, ...(unavailable ? { unavailable } : {}) },
    updatesDir: join(env.HUB_DATA_DIR, 'updates'),
    extensions,
    trustProxy: env.HUB_TRUST_PROXY,
    // Before, the hub ran without a logger: a 500's stack, a failed report refresh, an op rejected for an unexpected
    // reason went nowhere.
    logger: { level: env.HUB_LOG_LEVEL, write: (line) => log(line.trimEnd()) },
    ...(env.HUB_CLUSTER_SECRET ? { clusterSecret: env.HUB_CLUSTER_SECRET } : {}),
    ...(tls ? { tls } : {}),
  });
  const address = await app.listen({ host: env.HUB_HOST, port: env.HUB_PORT });
  log(`hub: listening on ${address}`);
  if (tls) log(`hub: certificate SHA-256 fingerprint (classrooms pin it at enrollment): ${tls.fingerprint256}`);
  else if (!['127.0.0.1', 'localhost', '::1'].includes(env.HUB_HOST)) {
    log('hub: WARNING plain HTTP on a network address: device tokens and updates cross the network in clear; set HUB_TLS_CERT/HUB_TLS_KEY (npm run hub:cert)');
  }
  if (admin.newToken) {
    log(`hub: new admin token (shown this once; only its hash is kept in ${env.HUB_DATA_DIR}): ${admin.newToken}`);
  }
  let demoBroadcast: DemoBroadcast | null = null;
  if (sfu && demoLive && env.HUB_DEMO_BROADCAST === '1' && noFfmpeg === null) {
    demoBroadcast = await startDemoBroadcast(sfu, { courseware: env.HUB_DEMO_COURSEWARE === '1', log });
    log('hub: demo live lesson on air (直播：有理数的乘法, classes 七年级(1)(2)班)');
  }
  if (env.HUB_DEMO === '1') log(`hub: demo enrollment codes (注册码): ${Object.keys(demoEnrollmentCodes).join(', ')}`);
  if (env.HUB_DEMO === '1') log(`hub: demo report sign-in (${address}/staff, 用户名 / 密码): ${demoStaffLine()}`);

  installGracefulShutdown({
    app,
    log,
    // The recorder first, while the media still flows (ffmpeg closes its files at once then; the pack is made at the
    // next start), then the demo broadcast.
    before: async () => {
      await recorder?.close();
      await demoBroadcast?.stop();
      cluster?.registry.close();
    },
    after: async () => {
      sfu?.close();
      await db.close();
    },
  });
}
