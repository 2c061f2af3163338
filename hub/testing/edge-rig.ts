// A county hub with one signed pack and a school edge enrolled for 昭觉 (sch-zj), both real servers on loopback with
// real SQLite and real disks. Tests and the bench point classrooms at `edge.base` and count what crossed the "uplink"
// with the county's edge counter.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { PackManifest } from '../../src/shared/content-protocol.ts';
import type { DownloadHours } from '../../src/shared/download-hours.ts';
import { EdgeCodeResponse, EdgePaths } from '../../src/shared/edge-protocol.ts';
import { EnrollResponse } from '../../src/shared/protocol.ts';
import type { HubRoute } from '../core/http/access-groups.ts';
import { ingestFolder } from '../features/content/ingest.ts';
import { ephemeralPackSigner } from '../core/signing/pack-signing.ts';
import { openDatabase } from '../core/db/open-database.ts';
import { seedDemo } from '../features/demo/seed-demo.ts';
import { createEdge } from '../school-edge/edge-app.ts';
import { enrollEdgeUpstream } from '../features/edge/school/edge-identity.ts';
import { createHub } from '../county/create-hub.ts';
import { registerTestRoutes } from './test-routes.ts';

export const RIG_ADMIN = 'admin-secret-for-tests-0123456789';
export const EDGE_ADMIN = 'edge-admin-secret-0123456789';

export type EdgeRigOptions = { packBytes?: number; cacheCapBytes?: number; now?: Date; edgePort?: number; upstreamBase?: (countyBase: string) => string };

export async function startCounty(options: { packBytes?: number; now?: Date; host?: string } = {}) {
  const now = options.now ?? new Date('2026-11-25T02:00:00Z');
  const dir = mkdtempSync(join(tmpdir(), 'edge-rig-'));
  const db = openDatabase(join(dir, 'hub.sqlite'));
  await seedDemo(db, now);
  const folder = join(dir, 'src', '预习');
  mkdirSync(folder, { recursive: true });
  const video = randomBytes(options.packBytes ?? 1_500_000);
  writeFileSync(join(folder, 'lesson.bin'), video);
  const signer = ephemeralPackSigner();
  // les-j7-3-0: a lesson of both 昭觉 classes on the day after `now` (so the edge pins its pack).
  const pack: PackManifest = await ingestFolder(db, folder, { contentDir: join(dir, 'content'), signer, now, lessonIds: ['les-j7-3-0'], packId: 'pack-edge' });
  const app = await createHub({ db, hubName: '县中心', adminToken: RIG_ADMIN, now: () => now, contentDir: join(dir, 'content'), packSigner: signer, extensions: [registerTestRoutes] });
  const base = await app.listen({ host: options.host ?? '127.0.0.1', port: 0 });
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  return {
    base,
    db,
    dir,
    pack,
    video,
    signer,
    post,
    async enrollClassroom(code: string) {
      return EnrollResponse.parse((await post('/v1/enroll', { code, deviceName: '教室电脑' })).body).device.token;
    },
    async edgeCode(schoolId = 'sch-zj') {
      return EdgeCodeResponse.parse((await post(EdgePaths.codes, { schoolId }, RIG_ADMIN)).body).code;
    },
    /** Another signed pack for both 昭觉 classes' lesson les-j7-3-0 (what the county publishes later). */
    async addPack(packId: string, bytes: number) {
      const src = join(dir, 'src', packId);
      mkdirSync(src, { recursive: true });
      writeFileSync(join(src, 'lesson.bin'), randomBytes(bytes));
      return ingestFolder(db, src, { contentDir: join(dir, 'content'), signer, now, lessonIds: ['les-j7-3-0'], packId });
    },
    async uplinkStats() {
      const res = await fetch(`${base}${EdgePaths.uplinkStats}`, { headers: { authorization: `Bearer ${RIG_ADMIN}` } });
      return (await res.json()) as { blobBytesSent: number; blobRequests: number };
    },
    async close() {
      await app.close();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
export type County = Awaited<ReturnType<typeof startCounty>>;

/** Enrolls and starts an edge for sch-zj against `upstream` (the county's base, or a relay in front of it). */
export async function startEdgeFor(
  county: County,
  options: { upstream?: string; cacheCapBytes?: number; host?: string; port?: number; dataDir?: string; prefetchHours?: DownloadHours | null | false; onRoute?: (route: HubRoute) => void } = {},
) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'edge-data-'));
  const identity = await enrollEdgeUpstream({ dataDir, upstream: options.upstream ?? county.base, code: await county.edgeCode(), edgeName: '昭觉本校服务器' });
  let app: FastifyInstance | undefined;
  const start = async (port = options.port ?? 0) => {
    app = await createEdge({
      edgeName: identity.edgeName,
      school: identity.school,
      upstream: identity.upstream,
      edgeToken: identity.token,
      adminToken: EDGE_ADMIN,
      cacheDir: join(dataDir, 'cache'),
      cacheCapBytes: options.cacheCapBytes ?? 1024 ** 3,
      prefetchHours: options.prefetchHours === undefined ? false : options.prefetchHours,
      ...(options.onRoute ? { onRoute: options.onRoute } : {}),
    });
    return app.listen({ host: options.host ?? '127.0.0.1', port });
  };
  const base = await start();
  return {
    base,
    dataDir,
    identity,
    /** Stops the edge (its disk stays), as a power cut or `kill` would leave it. */
    async stop() {
      await app?.close();
    },
    /** Starts it again on the same port with the same disk. */
    async restart() {
      return start(Number(new URL(base).port));
    },
    async status() {
      const res = await fetch(`${base}${EdgePaths.status}`, { headers: { authorization: `Bearer ${EDGE_ADMIN}` } });
      return (await res.json()) as unknown;
    },
    async close() {
      await app?.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
