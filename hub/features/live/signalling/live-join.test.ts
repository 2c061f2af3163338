// Joining in one round trip, on the real hub and SFU with the headless broadcaster (camera + slides): the public
// capabilities equal the join's, a join with media brings the receive transport and a consumer per source (courseware
// served first when bits are short), held until `resume`; setVideo resumes only what it paused. A console gets no
// viewer media; capabilities that cannot consume give a plain transport (the client consumes after loading the join's).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapabilitiesResponse, livePaths, type ConsumerInfo } from '../../../../src/shared/live-protocol.ts';
import { EnrollResponse } from '../../../../src/shared/protocol.ts';
import { rawLiveSocket } from '../../../../tests/support/live-page.ts';
import { openDatabase } from '../../../core/db/open-database.ts';
import type { SqliteDb } from '../../../core/db/sqlite-db.ts';
import { seedDemo } from '../../demo/seed-demo.ts';
import { createHub } from '../../../county/create-hub.ts';
import { DEMO_LIVE_LESSON_ID, ensureDemoLiveLesson, startDemoBroadcast, type DemoBroadcast } from '../broadcast/demo-live.ts';
import type { types as msTypes } from 'mediasoup';
import { createLiveSfu, liveUnavailableReason, type LiveSfu } from '../sfu/live-sfu.ts';

const ADMIN = 'admin-secret-for-live-join-0123456789';
const workerReason = liveUnavailableReason();

describe.skipIf(workerReason !== null)(`joining a live lesson in one round trip${workerReason ? ` (skipped: ${workerReason})` : ''}`, () => {
  let dir: string;
  let db: SqliteDb;
  let sfu: LiveSfu;
  let app: FastifyInstance;
  let base: string;
  let broadcast: DemoBroadcast;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hub-join-'));
    db = openDatabase(join(dir, 'hub.sqlite'));
    await seedDemo(db, new Date());
    await ensureDemoLiveLesson(db, new Date());
    sfu = await createLiveSfu({ rtcPort: 0, listenIp: '127.0.0.1', announcedIp: '127.0.0.1' });
    app = await createHub({ db, hubName: '测试中心', adminToken: ADMIN, live: { sfu } });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    broadcast = await startDemoBroadcast(sfu, { courseware: true });
  });
  afterAll(async () => {
    await broadcast?.stop();
    await app?.close();
    sfu?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const token = async () => {
    const res = await fetch(`${base}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'DEMO-ZJ-1', deviceName: 'pc' }) });
    return EnrollResponse.parse(await res.json()).device.token;
  };
  const ok = <T>(m: { kind: string; ok?: boolean; data?: unknown }) => {
    expect(m).toMatchObject({ kind: 'response', ok: true });
    return m.data as T;
  };

  it('serves the codecs publicly, and a join with media brings the transport and a held consumer per source', async () => {
    const caps = CapabilitiesResponse.parse(await (await fetch(`${base}${livePaths.capabilities}`)).json());
    // The SFU's own consumer objects, watched from the router, to see what is paused.
    const consumers = new Map<string, msTypes.Consumer>();
    sfu.existingRoom(DEMO_LIVE_LESSON_ID)?.router.observer.on('newtransport', (t) => t.observer.on('newconsumer', (c) => consumers.set(c.id, c)));
    const viewer = await rawLiveSocket(base);
    const joined = ok<{ routerRtpCapabilities: unknown; media: { transport: { id: string }; consumers: ConsumerInfo[] } }>(
      await viewer.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token: await token(), role: 'viewer', media: { rtpCapabilities: caps.routerRtpCapabilities } }),
    );
    expect(joined.routerRtpCapabilities).toEqual(caps.routerRtpCapabilities);
    expect(joined.media.consumers.map((c) => c.source)).toEqual(['camera', 'courseware', 'microphone']);
    expect(joined.media.consumers.map((c) => c.spatialLayers)).toEqual([3, 2, 1]);

    const [camera, courseware] = joined.media.consumers.map((c) => consumers.get(c.id));
    // Courseware is served first when the estimate cannot carry every layer.
    expect(courseware?.priority).toBeGreaterThan(camera?.priority ?? Infinity);
    // Held until resume: not even setVideo(paused: false) starts it (the classroom may only be preparing the lesson).
    expect(camera?.paused).toBe(true);
    ok(await viewer.call('setVideo', { consumerId: camera?.id, maxSpatialLayer: 0, paused: false }));
    expect(camera?.paused).toBe(true);
    ok(await viewer.call('resume', { consumerIds: joined.media.consumers.map((c) => c.id) }));
    expect([...consumers.values()].map((c) => c.paused)).toEqual([false, false, false]);
    // 低带宽模式 and back: setVideo resumes what it paused.
    ok(await viewer.call('setVideo', { consumerId: camera?.id, maxSpatialLayer: 0, paused: true }));
    expect(camera?.paused).toBe(true);
    ok(await viewer.call('setVideo', { consumerId: camera?.id, maxSpatialLayer: 0, paused: false }));
    expect(camera?.paused).toBe(false);
    viewer.ws.close();
  });

  it('gives a console no viewer media, and answers nonsense capabilities with a plain join (the client then consumes)', async () => {
    const lead = await rawLiveSocket(base);
    const joined = ok<{ media?: unknown }>(await lead.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token: ADMIN, role: 'console', media: { rtpCapabilities: { codecs: [] } } }));
    expect(joined.media).toBeUndefined();
    lead.ws.close();
    const viewer = await rawLiveSocket(base);
    const plain = ok<{ media: { transport: { id: string }; consumers: unknown[] } }>(
      await viewer.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token: await token(), role: 'viewer', media: { rtpCapabilities: { codecs: [] } } }),
    );
    expect(plain.media.transport.id).toBeTruthy();
    expect(plain.media.consumers).toEqual([]);
    const tooBig = await viewer.call('consume', { transportId: plain.media.transport.id, rtpCapabilities: { codecs: Array.from({ length: 201 }, () => ({})) } });
    expect(tooBig).toMatchObject({ kind: 'response', ok: false, error: { code: 'malformed' } });
    viewer.ws.close();
  });
});
