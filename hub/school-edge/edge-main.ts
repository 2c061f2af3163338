// Starts the hub as a school edge: `npm run hub -- --edge` (or HUB_MODE=edge). The first start enrolls with the county
// hub (HUB_UPSTREAM + HUB_EDGE_CODE, a code from the county's admin); later starts read <data>/edge.json.
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { LOG_LEVELS } from '../core/http/create-server.ts';
import { parseHours, type DownloadHours } from '../../src/shared/download-hours.ts';
import { createLiveSfu, liveUnavailableReason, type LiveSfu } from '../features/live/sfu/live-sfu.ts';
import { createEdge } from './edge-app.ts';
import { advertiseEdge } from '../features/edge/school/edge-advertise.ts';
import { enrollEdgeUpstream, readEdgeIdentity } from '../features/edge/school/edge-identity.ts';

const Env = z.object({
  /** Classrooms on the school LAN reach the edge here (all interfaces by default: that is the edge's job). */
  HUB_HOST: z.string().default('0.0.0.0'),
  HUB_PORT: z.coerce.number().int().min(0).max(65535).default(8788),
  HUB_DATA_DIR: z.string().default(join(import.meta.dirname, '..', 'edge-data')),
  HUB_UPSTREAM: z.url().optional(),
  HUB_EDGE_CODE: z.string().min(4).optional(),
  HUB_EDGE_NAME: z.string().min(1).max(100).default(`本校服务器 ${hostname()}`.slice(0, 100)),
  /** Disk the edge may use for content (GB, default 50); least recently used packs go first, upcoming lessons never. */
  /** The edge server's log (pino JSON lines on stdout), as the county hub's HUB_LOG_LEVEL. */
  HUB_LOG_LEVEL: z.enum(LOG_LEVELS).default('warn'),
  HUB_EDGE_CACHE_GB: z.coerce.number().positive().default(50),
  HUB_ADMIN_TOKEN: z.string().min(16).optional(),
  /** When the edge fetches the next days' packs ahead, unasked: `HH:MM-HH:MM` (local time), `any`, or `off`. */
  HUB_EDGE_HOURS: z.string().default('22:00-06:00'),
  /** Cap on what the edge pulls over the school's uplink, in kbit/s (none by default). */
  HUB_EDGE_MAX_KBIT: z.coerce.number().positive().optional(),
  /** Live lessons for the school's classrooms: one UDP and one TCP port for their WebRTC transports, as on the hub. */
  HUB_RTC_PORT: z.coerce.number().int().min(1).max(65535).default(40443),
  HUB_RTC_LISTEN_IP: z.string().default('0.0.0.0'),
  HUB_RTC_ANNOUNCED_IP: z.string().optional(),
  /** SFU workers (ports HUB_RTC_PORT and up): one carries a school's few classrooms; more for a big school. */
  HUB_SFU_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
});

/** `22:00-06:00` → a window; `any` → any time (null); `off` → never (false). */
export function parseEdgeHours(text: string): DownloadHours | null | false | undefined {
  const value = text.trim().toLowerCase();
  if (value === 'any') return null;
  if (value === 'off') return false;
  const [from, to, ...rest] = value.split('-');
  const start = parseHours(from ?? '');
  const end = parseHours(to ?? '');
  return rest.length === 0 && start !== null && end !== null ? { start, end } : undefined;
}

export async function startEdge(environment: NodeJS.ProcessEnv) {
  const env = Env.parse(environment);
  const prefetchHours = parseEdgeHours(env.HUB_EDGE_HOURS);
  if (prefetchHours === undefined) {
    console.error(`edge: HUB_EDGE_HOURS must be HH:MM-HH:MM, any or off (got ${env.HUB_EDGE_HOURS})`);
    process.exit(2);
  }
  mkdirSync(env.HUB_DATA_DIR, { recursive: true });
  let identity = readEdgeIdentity(env.HUB_DATA_DIR);
  if (!identity) {
    if (!env.HUB_UPSTREAM || !env.HUB_EDGE_CODE) {
      console.error('edge: not enrolled yet: set HUB_UPSTREAM (the county hub) and HUB_EDGE_CODE (from the county admin) for the first start');
      process.exit(2);
    }
    identity = await enrollEdgeUpstream({ dataDir: env.HUB_DATA_DIR, upstream: env.HUB_UPSTREAM, code: env.HUB_EDGE_CODE, edgeName: env.HUB_EDGE_NAME });
    console.log(`edge: enrolled as ${identity.edgeId} for ${identity.school.name}`);
  }
  const adminToken = env.HUB_ADMIN_TOKEN ?? randomBytes(24).toString('base64url');
  // Live lessons through the edge need a mediasoup worker, like the hub; without one classrooms watch from the county.
  let sfu: LiveSfu | null = null;
  const unavailable = liveUnavailableReason();
  if (unavailable) console.log(`edge: live lessons go straight to the county hub: ${unavailable}`);
  else {
    try {
      sfu = await createLiveSfu({ rtcPort: env.HUB_RTC_PORT, listenIp: env.HUB_RTC_LISTEN_IP, announcedIp: env.HUB_RTC_ANNOUNCED_IP, workers: env.HUB_SFU_WORKERS });
    } catch (error) {
      console.log(`edge: live lessons go straight to the county hub: SFU failed to start: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const app = await createEdge({
    edgeName: identity.edgeName,
    school: identity.school,
    upstream: identity.upstream,
    edgeToken: identity.token,
    adminToken,
    cacheDir: join(env.HUB_DATA_DIR, 'cache'),
    cacheCapBytes: Math.round(env.HUB_EDGE_CACHE_GB * 1024 ** 3),
    prefetchHours,
    maxUplinkBytesPerSecond: env.HUB_EDGE_MAX_KBIT ? (env.HUB_EDGE_MAX_KBIT * 1000) / 8 : null,
    sfu,
    log: (line) => console.log(line),
    logger: { level: env.HUB_LOG_LEVEL, write: (line) => console.log(line.trimEnd()) },
  });
  const address = await app.listen({ host: env.HUB_HOST, port: env.HUB_PORT });
  // Announced on the LAN unless it listens on loopback only (then no classroom could reach it anyway).
  const stopAdvertising = ['127.0.0.1', 'localhost', '::1'].includes(env.HUB_HOST)
    ? () => undefined
    : advertiseEdge({ name: identity.edgeName, port: Number(new URL(address).port), schoolId: identity.school.id });
  console.log(`edge: ${identity.school.name} edge listening on ${address}, county hub ${identity.upstream}`);
  if (!env.HUB_ADMIN_TOKEN) console.log(`edge: status page ${address}/edge?key=${adminToken}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stopAdvertising();
      void app.close().finally(() => {
        sfu?.close();
        process.exit(0);
      });
    });
  }
}
