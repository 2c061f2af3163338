// Two hub nodes on one PostgreSQL database, as in cross-node.pg.test.ts, the other way round: what the lead side does
// on any node reaches the lesson's one origin, and what a copy's classrooms do reaches the origin's console. The
// broadcaster's ingest call and the lead console's socket sent to node B (which does not host the lesson) end on node
// A's origin and the registry still names one origin; a classroom watching on B raises its hand, asks a question and
// sends its return camera, and the console (whose socket went to B and was forwarded) gets all three, the camera as a
// producer on A's origin router with RTP arriving from B; A's worker killed closes the forwarded console socket with 1012.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { IngestResponse, IngestStatus, type LiveServerMessage } from '../../../../src/shared/live-protocol.ts';
import { EnrollResponse } from '../../../../src/shared/protocol.ts';
import { rawLiveSocket } from '../../../../tests/support/live-page.ts';
import { freePort, waitFor } from '../../../../tests/support/ports.ts';
import { createDatabase } from '../../../../tests/support/postgres-server.ts';
import { openPostgres } from '../../../core/db/open-database.ts';
import type { SqlDb } from '../../../core/db/sql-db.ts';
import { seedDemo } from '../../demo/seed-demo.ts';
import { createHub } from '../../../county/create-hub.ts';
import { DEMO_LIVE_LESSON_ID, ensureDemoLiveLesson } from '../broadcast/demo-live.ts';
import { defaultIngestRequest, startFfmpegBroadcast, type FfmpegBroadcast } from '../broadcast/ffmpeg-broadcaster.ts';
import { createLiveSfu, liveUnavailableReason, type LiveSfu } from '../sfu/live-sfu.ts';
import { createStoreLiveRegistry, type StoreLiveRegistry } from './store-live-registry.ts';

const ADMIN = 'admin-secret-for-cross-node-upward-0123456789';
const SECRET = 'cluster-secret-for-cross-node-upward-0123456789';
const LESSON = DEMO_LIVE_LESSON_ID;
const workerReason = liveUnavailableReason();

type Node = { id: string; db: SqlDb; registry: StoreLiveRegistry; sfu: LiveSfu; app: FastifyInstance; base: string };
type Socket = Awaited<ReturnType<typeof rawLiveSocket>>;
const note = (m: LiveServerMessage) => (m.kind === 'notification' ? m.notification : null);

describe.skipIf(workerReason !== null)(`live across nodes, upward${workerReason ? ` (skipped: ${workerReason})` : ''}`, () => {
  let a: Node;
  let b: Node;
  let lead: Socket;
  let consoleClosed: Promise<number>;
  let camera: FfmpegBroadcast | null = null;
  const log: string[] = [];

  const startNode = async (id: string, url: string): Promise<Node> => {
    const db = await openPostgres(url, { max: 4 });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const registry = await createStoreLiveRegistry({ db, nodeId: id, nodeUrl: base, now: Date.now, log: (l) => log.push(l) });
    // Polls far apart: a hand or question must not wait for the next one (it starts a poll at once).
    const sfu = await createLiveSfu({ rtcPort: 0, listenIp: '127.0.0.1', announcedIp: '127.0.0.1', registry, nodeId: id, cluster: { secret: SECRET, pipeIp: '127.0.0.1', pollMs: 10_000 }, log: (l) => log.push(`${id}: ${l}`) });
    const app = await createHub({ db, hubName: '测试中心', adminToken: ADMIN, live: { sfu }, clusterSecret: SECRET });
    await app.listen({ host: '127.0.0.1', port });
    return { id, db, registry, sfu, app, base };
  };

  beforeAll(async () => {
    const url = await createDatabase(inject('postgresUrl'));
    a = await startNode('node-a', url);
    b = await startNode('node-b', url);
    await seedDemo(a.db, new Date());
    await ensureDemoLiveLesson(a.db, new Date());
  }, 60_000);
  afterAll(async () => {
    await camera?.stop();
    for (const node of [b, a]) {
      if (!node) continue;
      await node.app.close();
      node.sfu.close();
      node.registry.close();
      await node.db.close();
    }
  });

  const origins = async () => (await a.registry.lesson(LESSON)).filter((p) => p.role === 'origin').map((p) => p.nodeId);
  const ingest = (node: Node, method: 'POST' | 'GET') =>
    fetch(`${node.base}/v1/admin/live/${LESSON}/ingest`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
      ...(method === 'POST' ? { body: JSON.stringify(defaultIngestRequest()) } : {}),
    });

  it('the broadcaster’s ingest sent to node B opens on node A’s origin: no second origin', async () => {
    expect((await ingest(a, 'POST')).status).toBe(201); // the lesson's origin is made on A
    const res = await ingest(b, 'POST');
    expect(res.status).toBe(201);
    const opened = IngestResponse.parse(await res.json());
    expect(a.sfu.existingRoom(LESSON)?.ingestStatus().ingestId).toBe(opened.ingestId);
    expect(IngestStatus.parse(await (await ingest(b, 'GET')).json())).toEqual({ onAir: true, ingestId: opened.ingestId });
    expect(b.sfu.existingRoom(LESSON)).toBeUndefined();
    expect(b.sfu.lessonViewers(LESSON)).toBeUndefined();
    expect(await origins()).toEqual(['node-a']);
  });

  it('the lead console’s socket sent to node B joins on node A’s origin', async () => {
    lead = await rawLiveSocket(b.base);
    consoleClosed = new Promise((resolve) => lead.ws.once('close', (code) => resolve(code)));
    const joined = await lead.call('join', { lessonId: LESSON, token: ADMIN, role: 'console' });
    expect(joined).toMatchObject({ kind: 'response', ok: true });
    expect(a.sfu.existingRoom(LESSON)?.listenerCount('console')).toBe(1); // its peer is on A
    expect(b.sfu.lessonViewers(LESSON)).toBeUndefined();
    expect(await origins()).toEqual(['node-a']);
  });

  it('a classroom watching on node B raises its hand and asks a question: the console on node A hears both', async () => {
    const enrolled = await fetch(`${b.base}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'DEMO-ZJ-1', deviceName: 'pc' }) });
    const token = EnrollResponse.parse(await enrolled.json()).device.token;
    // A second console straight on A too: what it hears can only have come from B over the cluster channel.
    const direct = await rawLiveSocket(a.base);
    expect(await direct.call('join', { lessonId: LESSON, token: ADMIN, role: 'console' })).toMatchObject({ kind: 'response', ok: true });
    const viewer = await rawLiveSocket(b.base);
    expect(await viewer.call('join', { lessonId: LESSON, token, role: 'viewer' })).toMatchObject({ kind: 'response', ok: true });
    expect(b.sfu.lessonViewers(LESSON)).toEqual([{ workerIndex: 0, viewers: 1, role: 'origin' }]); // a copy on B
    expect(await viewer.call('raiseHand', { raised: true })).toMatchObject({ ok: true });
    for (const socket of [direct, lead]) {
      const hand = note(await socket.next((m) => note(m)?.type === 'hand'));
      expect(hand?.type === 'hand' ? [hand.hand.raised, hand.hand.classroomName] : null).toEqual([true, expect.stringContaining('1')]);
    }
    const asked = await viewer.call('question', { text: '老师，第三题为什么是负数？' });
    const questionId = asked.kind === 'response' && asked.ok ? (asked.data as { questionId: string }).questionId : null;
    for (const socket of [direct, lead]) {
      const question = note(await socket.next((m) => note(m)?.type === 'question'));
      expect(question?.type === 'question' ? [question.question.id, question.question.text] : null).toEqual([questionId, '老师，第三题为什么是负数？']);
    }
    viewer.ws.close();
    direct.ws.close();
  }, 30_000);

  it('a return camera on node B reaches node A’s console: produced on A’s origin router, RTP arriving from B', async () => {
    // A classroom's camera on B's router, fed over RTP (as the signalling's produce hands one to the room).
    const { room, place } = await b.sfu.place(LESSON, 'viewer');
    const request = defaultIngestRequest();
    const video = await place.router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: false, comedia: true });
    const audio = await place.router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: false, comedia: true });
    const layer = request.video[0];
    if (!layer) throw new Error('no camera layer');
    const codecs = [{ mimeType: 'video/VP8', payloadType: request.videoPayloadType, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }];
    const producer = await video.produce({ kind: 'video', rtpParameters: { codecs, encodings: [{ ssrc: layer.ssrc }] }, appData: { source: 'camera' } });
    const target = (t: typeof video) => ({ ip: '127.0.0.1', rtpPort: t.tuple.localPort, rtcpPort: t.rtcpTuple?.localPort ?? 0 });
    camera = await startFfmpegBroadcast({ request: { ...request, video: [layer] }, target: { ingestId: randomUUID(), video: target(video), audio: target(audio) } });
    const peerId = randomUUID();
    room.addReturnVideo(peerId, '测试学校 一班', await place.toRoom(producer));

    const shown = note(await lead.next((m) => { const n = note(m); return n?.type === 'returnVideo' && n.peerId === peerId && n.producerId !== null; }, 15_000));
    const producerId = shown?.type === 'returnVideo' ? shown.producerId : null;
    expect(producerId).toBe(producer.id);
    const origin = a.sfu.existingRoom(LESSON);
    const onA = [...(origin?.returnVideos.values() ?? [])].find((v) => v.producer.id === producerId);
    expect(onA?.classroomName).toBe('测试学校 一班');
    await waitFor(async () => (((await onA?.producer.getStats()) ?? []).reduce((sum, s) => sum + s.byteCount, 0) > 20_000 ? true : undefined), 'return camera RTP arriving on node A', 30_000, 100);

    // The lead consumes it on A like a classroom's own.
    const recv = await lead.call('createRecvTransport', { forceTcp: false });
    const transportId = recv.kind === 'response' && recv.ok ? (recv.data as { id: string }).id : '';
    const consumed = await lead.call('consumeReturn', { transportId, producerId, rtpCapabilities: a.sfu.routerRtpCapabilities });
    expect(consumed).toMatchObject({ kind: 'response', ok: true, data: { producerId, kind: 'video' } });

    // The camera stops on B: the lead hears it is gone.
    producer.close();
    await lead.next((m) => { const n = note(m); return n?.type === 'returnVideo' && n.peerId === peerId && n.producerId === null; }, 15_000);
    await camera.stop();
    camera = null;
    video.close();
    audio.close();
    place.release();
  }, 60_000);

  it('node A’s origin worker killed: the console’s socket, forwarded by B, closes with 1012 (the console reconnects)', async () => {
    process.kill(a.sfu.pool.worker(0).worker.pid, 'SIGKILL');
    expect(await consoleClosed).toBe(1012);
  }, 30_000);
});
