// A feed whose RTP never arrives, on real servers and workers: the county's signalling works but it announces an address
// its UDP port does not listen on (as a firewall dropping the edge's packets would leave it), so nothing comes down the
// feed. The edge declares it silent (edge_feed_silent), closes the classroom's socket, refuses its rejoin by that name
// (the client's failed-join path then takes it to the county), says `live: false` in its health, shows it on the
// status page and logs it.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeCodeResponse, EdgePaths, EdgeStatus } from '../../../../src/shared/edge-protocol.ts';
import { CapabilitiesResponse, livePaths } from '../../../../src/shared/live-protocol.ts';
import { HealthResponse, HubPaths } from '../../../../src/shared/protocol.ts';
import { enrollDevice, rawLiveSocket } from '../../../../tests/support/live-page.ts';
import { waitFor } from '../../../../tests/support/ports.ts';
import { openDatabase, type HubDatabase } from '../../../core/db/open-database.ts';
import { seedDemo } from '../../demo/seed-demo.ts';
import { createHub } from '../../../county/create-hub.ts';
import { DEMO_LIVE_LESSON_ID, ensureDemoLiveLesson, startDemoBroadcast, type DemoBroadcast } from '../../live/broadcast/demo-live.ts';
import { createLiveSfu, liveUnavailableReason, type LiveSfu } from '../../live/sfu/live-sfu.ts';
import { createEdge } from '../../../school-edge/edge-app.ts';
import { enrollEdgeUpstream } from './edge-identity.ts';

const ADMIN = 'admin-secret-for-edge-silent-0123456789';
const EDGE_ADMIN = 'edge-admin-secret-0123456789';
const workerReason = liveUnavailableReason();

describe.skipIf(workerReason !== null)(`a silent feed sends classrooms to the county${workerReason ? ` (skipped: ${workerReason})` : ''}`, () => {
  let dir: string;
  let db: HubDatabase;
  let countySfu: LiveSfu;
  let edgeSfu: LiveSfu;
  let county: FastifyInstance;
  let edge: FastifyInstance;
  let countyBase: string;
  let edgeBase: string;
  let broadcast: DemoBroadcast;
  const logs: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edge-silent-'));
    db = openDatabase(join(dir, 'hub.sqlite'));
    await seedDemo(db, new Date());
    await ensureDemoLiveLesson(db, new Date());
    countySfu = await createLiveSfu({ rtcPort: 0, listenIp: '127.0.0.1', announcedIp: '127.0.0.1' });
    // The feed's port listens on 127.0.0.1 but is announced on 127.0.0.2: the edge's packets never reach it.
    county = await createHub({ db, hubName: '县中心', adminToken: ADMIN, live: { sfu: countySfu, edgeFeed: { listenIp: '127.0.0.1', announcedIp: '127.0.0.2' } } });
    countyBase = await county.listen({ host: '127.0.0.1', port: 0 });
    broadcast = await startDemoBroadcast(countySfu, { courseware: false });
    const codeRes = await fetch(`${countyBase}${EdgePaths.codes}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ schoolId: 'sch-zj' }),
    });
    const { code } = EdgeCodeResponse.parse(await codeRes.json());
    mkdirSync(join(dir, 'edge'));
    const identity = await enrollEdgeUpstream({ dataDir: join(dir, 'edge'), upstream: countyBase, code, edgeName: '昭觉本校服务器' });
    edgeSfu = await createLiveSfu({ rtcPort: 0, listenIp: '127.0.0.1', announcedIp: '127.0.0.1' });
    edge = await createEdge({
      edgeName: identity.edgeName,
      school: identity.school,
      upstream: countyBase,
      edgeToken: identity.token,
      adminToken: EDGE_ADMIN,
      cacheDir: join(dir, 'edge', 'cache'),
      cacheCapBytes: 1e9,
      sfu: edgeSfu,
      liveSilence: { feedSilentMs: 1_500 },
      log: (line) => logs.push(line),
    });
    edgeBase = await edge.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await edge?.close();
    edgeSfu?.close();
    await broadcast?.stop();
    await county?.close();
    countySfu?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('closes the classroom’s socket, refuses its rejoin with edge_feed_silent, drops live from its health, and shows why', async () => {
    const health = async () => HealthResponse.parse(await (await fetch(`${edgeBase}${HubPaths.health}`)).json());
    expect((await health()).live).toBe(true);
    const caps = CapabilitiesResponse.parse(await (await fetch(`${edgeBase}${livePaths.capabilities}`)).json()).routerRtpCapabilities;
    const token = await enrollDevice(countyBase, 'DEMO-ZJ-1');
    const socket = await rawLiveSocket(edgeBase);
    const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    const join = { lessonId: DEMO_LIVE_LESSON_ID, token, role: 'viewer', media: { rtpCapabilities: caps } };
    expect(await socket.call('join', join)).toMatchObject({ kind: 'response', ok: true });

    expect(await closed).toEqual({ code: 4000, reason: 'edge_feed_silent' });
    const again = await rawLiveSocket(edgeBase);
    expect(await again.call('join', join)).toMatchObject({ kind: 'response', ok: false, error: { code: 'edge_feed_silent' } });
    again.ws.close();
    expect((await health()).live).toBe(false);

    const status = EdgeStatus.parse(await (await fetch(`${edgeBase}${EdgePaths.status}`, { headers: { authorization: `Bearer ${EDGE_ADMIN}` } })).json());
    expect(status.live?.silent).toMatchObject({ lessonId: DEMO_LIVE_LESSON_ID });
    expect(status.live?.silentEvents).toBe(1);
    const page = await (await fetch(`${edgeBase}${EdgePaths.statusPage}?key=${EDGE_ADMIN}`)).text();
    expect(page).toContain('直播转发暂停');
    await waitFor(async () => (logs.some((l) => l.includes('edge_feed_silent')) ? true : undefined), 'the log line', 5_000);
  });
});
