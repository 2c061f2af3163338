// Live through the school edge, on real servers and real mediasoup workers (the county's and the edge's) with the
// headless broadcaster: classrooms of 昭觉 join on the edge's /v1/live/ws and get the lesson's sources from the edge's
// router, fed over one comedia PlainTransport from the county (RTP arrives at the edge); a second classroom adds no
// consumer at the county (one per school); a classroom's wish for a layer becomes the edge's request to the county;
// a raised hand reaches the lead console as that classroom's; a classroom's return camera goes up the feed and reaches
// the console as that classroom's (closed there when closed here or when the classroom leaves); a classroom of another
// school is refused by name and nothing changes at the county; the county refuses an edge the feed of another school's
// lesson, and a return camera of another school's classroom.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeLivePaths, EdgeLiveStats } from '../../../../src/shared/edge-live-protocol.ts';
import { EdgeCodeResponse, EdgePaths, EdgeStatus } from '../../../../src/shared/edge-protocol.ts';
import { CapabilitiesResponse, livePaths, type ConsumerInfo, type LiveServerMessage } from '../../../../src/shared/live-protocol.ts';
import { enrollDevice, rawLiveSocket } from '../../../../tests/support/live-page.ts';
import { waitFor } from '../../../../tests/support/ports.ts';
import { openDatabase, type HubDatabase } from '../../../core/db/open-database.ts';
import { seedDemo } from '../../demo/seed-demo.ts';
import { createHub } from '../../../county/create-hub.ts';
import { DEMO_LIVE_LESSON_ID, ensureDemoLiveLesson, startDemoBroadcast, type DemoBroadcast } from '../../live/broadcast/demo-live.ts';
import { createLiveSfu, liveUnavailableReason, type LiveSfu } from '../../live/sfu/live-sfu.ts';
import { createEdge } from '../../../school-edge/edge-app.ts';
import { enrollEdgeUpstream } from './edge-identity.ts';

const ADMIN = 'admin-secret-for-edge-live-0123456789';
const workerReason = liveUnavailableReason();

type Ok<T> = LiveServerMessage & { kind: 'response'; ok: true; data: T };
/** One VP8 key frame packet (payload descriptor S=1, then a key frame header): the SFU forwards from a key frame on. */
const vp8KeyFrame = (seq: number, ssrc: number) => {
  const packet = Buffer.alloc(12 + 13);
  packet[0] = 0x80;
  packet[1] = 0x80 | 101; // marker, payload type
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE((seq * 3000) >>> 0, 4);
  packet.writeUInt32BE(ssrc, 8);
  packet.set([0x10, 0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00, 0x00, 0x00], 12);
  return packet;
};
const isReturnVideo = (peerId: string, on: boolean) => (m: LiveServerMessage) =>
  m.kind === 'notification' && m.notification.type === 'returnVideo' && m.notification.peerId === peerId && (m.notification.producerId !== null) === on;

const ok = <T>(m: LiveServerMessage): T => {
  expect(m).toMatchObject({ kind: 'response', ok: true });
  return (m as Ok<T>).data;
};

describe.skipIf(workerReason !== null)(`live through the school edge${workerReason ? ` (skipped: ${workerReason})` : ''}`, () => {
  let dir: string;
  let db: HubDatabase;
  let countySfu: LiveSfu;
  let edgeSfu: LiveSfu;
  let county: FastifyInstance;
  let edge: FastifyInstance;
  let countyBase: string;
  let edgeBase: string;
  let broadcast: DemoBroadcast;
  let caps: CapabilitiesResponse['routerRtpCapabilities'];
  let edgeToken: string;

  const stats = async () => EdgeLiveStats.parse(await (await fetch(`${countyBase}${EdgeLivePaths.stats}`, { headers: { authorization: `Bearer ${ADMIN}` } })).json());
  const joinEdge = async (token: string) => {
    const socket = await rawLiveSocket(edgeBase);
    const answer = await socket.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token, role: 'viewer', media: { rtpCapabilities: caps } });
    return { socket, answer };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edge-live-'));
    db = openDatabase(join(dir, 'hub.sqlite'));
    await seedDemo(db, new Date());
    await ensureDemoLiveLesson(db, new Date());
    countySfu = await createLiveSfu({ rtcPort: 0, listenIp: '127.0.0.1', announcedIp: '127.0.0.1' });
    county = await createHub({ db, hubName: '县中心', adminToken: ADMIN, live: { sfu: countySfu, edgeFeed: { listenIp: '127.0.0.1' } } });
    countyBase = await county.listen({ host: '127.0.0.1', port: 0 });
    broadcast = await startDemoBroadcast(countySfu, { courseware: true });
    const codeRes = await fetch(`${countyBase}${EdgePaths.codes}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ schoolId: 'sch-zj' }),
    });
    const { code } = EdgeCodeResponse.parse(await codeRes.json());
    mkdirSync(join(dir, 'edge'));
    const identity = await enrollEdgeUpstream({ dataDir: join(dir, 'edge'), upstream: countyBase, code, edgeName: '昭觉本校服务器' });
    edgeToken = identity.token;
    edgeSfu = await createLiveSfu({ rtcPort: 0, listenIp: '127.0.0.1', announcedIp: '127.0.0.1' });
    edge = await createEdge({
      edgeName: identity.edgeName,
      school: identity.school,
      upstream: countyBase,
      edgeToken: identity.token,
      adminToken: 'edge-admin-secret-0123456789',
      cacheDir: join(dir, 'edge', 'cache'),
      cacheCapBytes: 1e9,
      sfu: edgeSfu,
      log: () => undefined,
    });
    edgeBase = await edge.listen({ host: '127.0.0.1', port: 0 });
    caps = CapabilitiesResponse.parse(await (await fetch(`${edgeBase}${livePaths.capabilities}`)).json()).routerRtpCapabilities;
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

  it('feeds the edge once from the county: RTP arrives at the edge, two classrooms cost one consumer per source there', async () => {
    const [zj1, zj2] = [await enrollDevice(countyBase, 'DEMO-ZJ-1'), await enrollDevice(countyBase, 'DEMO-ZJ-2')];
    const a = await joinEdge(zj1);
    const joined = ok<{ onAir: boolean; lessonTitle: string; media: { consumers: ConsumerInfo[] } }>(a.answer);
    expect(joined.onAir).toBe(true);
    expect(joined.lessonTitle).toBe('直播：有理数的乘法');
    expect(joined.media.consumers.map((c) => [c.source, c.spatialLayers])).toEqual([['camera', 3], ['courseware', 2], ['microphone', 1]]);

    // The edge's producers receive the county's RTP (the county learnt the edge's address from its keepalive).
    const room = edgeSfu.existingRoom(DEMO_LIVE_LESSON_ID);
    await waitFor(
      async () => {
        const bytes = await Promise.all((room?.producers() ?? []).map(async (p) => (await p.getStats()).reduce((s, x) => s + x.byteCount, 0)));
        return bytes.length === 3 && bytes.every((b) => b > 0) ? bytes : undefined;
      },
      'RTP of every source at the edge',
      20_000,
    );
    const one = await stats();
    expect(one.feeds).toEqual([expect.objectContaining({ lessonId: DEMO_LIVE_LESSON_ID, consumers: 3 })]);
    expect(one.rtpBytesSent).toBeGreaterThan(0);

    // What IT sees on the edge: the lesson's feed, its bytes, the classroom watching, the layers asked.
    const status = EdgeStatus.parse(await (await fetch(`${edgeBase}${EdgePaths.status}`, { headers: { authorization: 'Bearer edge-admin-secret-0123456789' } })).json());
    expect(status.live?.feeds).toEqual([
      expect.objectContaining({ lessonId: DEMO_LIVE_LESSON_ID, classrooms: ['cls-zj-7-1'], watchers: 1, returns: 0, layers: [{ source: 'camera', spatialLayer: 1 }, { source: 'courseware', spatialLayer: 1 }] }),
    ]);
    expect(status.live?.feeds[0]?.bytesReceived).toBeGreaterThan(0);
    expect(status.live?.silent).toBeNull();
    const page = await (await fetch(`${edgeBase}${EdgePaths.statusPage}?key=edge-admin-secret-0123456789`)).text();
    expect(page).toContain('摄像头 第 2 层');

    const b = await joinEdge(zj2);
    ok(b.answer);
    const two = await stats();
    expect(two.feeds).toHaveLength(1);
    expect(two.feeds[0]?.consumers).toBe(3);
    a.socket.ws.close();
    b.socket.ws.close();
  });

  it('asks the county for the highest layer any classroom here wants', async () => {
    const [zj1, zj2] = [await enrollDevice(countyBase, 'DEMO-ZJ-1'), await enrollDevice(countyBase, 'DEMO-ZJ-2')];
    const a = await joinEdge(zj1);
    const b = await joinEdge(zj2);
    const cameraOf = (answer: LiveServerMessage) => ok<{ media: { consumers: ConsumerInfo[] } }>(answer).media.consumers.find((c) => c.source === 'camera');
    const [camA, camB] = [cameraOf(a.answer), cameraOf(b.answer)];
    const countyCamera = async () => (await stats()).feeds[0]?.layers.find((l) => l.source === 'camera')?.spatialLayer;
    ok(await a.socket.call('setVideo', { consumerId: camA?.id, maxSpatialLayer: 0, paused: false }));
    ok(await b.socket.call('setVideo', { consumerId: camB?.id, maxSpatialLayer: 2, paused: false }));
    await waitFor(async () => ((await countyCamera()) === 2 ? true : undefined), 'the county sends layer 2', 10_000);
    ok(await b.socket.call('setVideo', { consumerId: camB?.id, maxSpatialLayer: 2, paused: true }));
    await waitFor(async () => ((await countyCamera()) === 0 ? true : undefined), 'the county sends layer 0 again', 10_000);
    a.socket.ws.close();
    b.socket.ws.close();
  });

  it('sends a raised hand up as the classroom’s own', async () => {
    const lead = await rawLiveSocket(countyBase);
    ok(await lead.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token: ADMIN, role: 'console' }));
    const a = await joinEdge(await enrollDevice(countyBase, 'DEMO-ZJ-1'));
    ok(await a.socket.call('raiseHand', { raised: true }));
    const hand = await lead.next((m) => m.kind === 'notification' && m.notification.type === 'hand');
    expect(hand).toMatchObject({ notification: { hand: { raised: true, classroomName: expect.stringContaining('昭觉') as unknown } } });
    a.socket.ws.close();
    lead.ws.close();
  });

  it('sends a classroom’s return camera up the feed: the console gets it as that classroom’s, RTP and all; closed here, closed there', async () => {
    const lead = await rawLiveSocket(countyBase);
    ok(await lead.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token: ADMIN, role: 'console' }));
    const a = await joinEdge(await enrollDevice(countyBase, 'DEMO-ZJ-1'));
    const { peerId } = ok<{ peerId: string }>(a.answer);
    // The edge serves the send side now: a send transport on its router, as the county would give.
    expect(ok<{ id: string }>(await a.socket.call('createSendTransport', {})).id).toEqual(expect.any(String));
    // Node has no WebRTC stack: the classroom's camera is a Node-fed producer on the edge's router, made that peer's
    // return camera as LivePeer's `produce` makes a browser's.
    const room = edgeSfu.existingRoom(DEMO_LIVE_LESSON_ID) ?? expect.fail('the edge room');
    const countyRoom = countySfu.existingRoom(DEMO_LIVE_LESSON_ID) ?? expect.fail('the county room');
    const direct = await room.router.createDirectTransport();
    const camera = async (ssrc: number) => {
      const producer = await direct.produce({ kind: 'video', rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc }] }, appData: { source: 'camera' } });
      room.addReturnVideo(peerId, 'edge-local name', producer);
      let seq = 0;
      const frames = setInterval(() => producer.closed || producer.send(vp8KeyFrame(seq++, ssrc)), 50);
      producer.observer.once('close', () => clearInterval(frames));
      return producer;
    };
    const first = await camera(0x0c1a55);
    try {
      const shown = await lead.next(isReturnVideo(peerId, true));
      expect(shown).toMatchObject({ notification: { peerId, classroomName: expect.stringContaining('昭觉') as unknown } });
      const producerId = (shown as { notification: { producerId: string } }).notification.producerId;
      expect(countyRoom.returnVideos.get(peerId)?.producer.id).toBe(producerId);
      // What the console consumes carries the classroom's packets (a consumer on the county's router, as the console's).
      const sink = await countyRoom.router.createDirectTransport();
      const consumer = await sink.consume({ producerId, rtpCapabilities: countyRoom.router.rtpCapabilities });
      let packets = 0;
      consumer.on('rtp', () => packets++);
      await waitFor(async () => (packets >= 3 ? true : undefined), 'the return camera’s RTP at the county', 10_000);
      expect((await stats()).feeds[0]?.returns).toBe(1);
      sink.close();

      // Camera off at the edge: gone at the county, the console told.
      first.close();
      await lead.next(isReturnVideo(peerId, false));
      expect(countyRoom.returnVideos.has(peerId)).toBe(false);

      // On again, then the classroom leaves the edge: closed at the county too.
      lead.messages.length = 0;
      await camera(0x0c1a56);
      await lead.next(isReturnVideo(peerId, true));
      a.socket.ws.close();
      await lead.next(isReturnVideo(peerId, false));
      expect(countyRoom.returnVideos.has(peerId)).toBe(false);
      expect((await stats()).feeds[0]?.returns).toBe(0);
    } finally {
      direct.close();
      lead.ws.close();
    }
  });

  it('refuses a return camera of another school’s classroom (or a bad token) by name, and changes nothing at the county', async () => {
    const countyRoom = countySfu.existingRoom(DEMO_LIVE_LESSON_ID) ?? expect.fail('the county room');
    const keep = await joinEdge(await enrollDevice(countyBase, 'DEMO-ZJ-2')); // the edge's feed stays open
    ok(keep.answer);
    const before = { feeds: await stats(), returns: [...countyRoom.returnVideos.keys()] };
    const put = (token: string) =>
      fetch(`${countyBase}${EdgeLivePaths.returnVideo(DEMO_LIVE_LESSON_ID, 'peer-x')}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${edgeToken}` },
        body: JSON.stringify({ token, rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 7 }] } }),
      });
    const codeOf = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code];
    expect(await codeOf(await put(await enrollDevice(countyBase, 'DEMO-LT-1')))).toEqual([403, 'wrong_school']);
    expect(await codeOf(await put('not-a-token'))).toEqual([401, 'unauthorized']);
    expect((await stats()).feeds.map((f) => [f.feedId, f.consumers, f.returns])).toEqual(before.feeds.feeds.map((f) => [f.feedId, f.consumers, f.returns]));
    expect([...countyRoom.returnVideos.keys()]).toEqual(before.returns);
    keep.socket.ws.close();
  });

  it('refuses a classroom of another school by name, and changes nothing at the county', async () => {
    const before = await stats();
    const lt = await joinEdge(await enrollDevice(countyBase, 'DEMO-LT-1'));
    expect(lt.answer).toMatchObject({ kind: 'response', ok: false, error: { code: 'wrong_school' } });
    expect((await stats()).feeds.map((f) => [f.feedId, f.consumers])).toEqual(before.feeds.map((f) => [f.feedId, f.consumers]));
    const status = (await (await fetch(`${edgeBase}${EdgePaths.status}`, { headers: { authorization: 'Bearer edge-admin-secret-0123456789' } })).json()) as { refusals: { wrongSchool: number } };
    expect(status.refusals.wrongSchool).toBe(1);
    // Not joined: nothing else is served on that socket.
    expect(await lt.socket.call('resume', { consumerIds: ['c1'] })).toMatchObject({ ok: false, error: { code: 'not_joined' } });
    lt.socket.ws.close();
  });

  it('refuses the feed of another school’s lesson (or a malformed request) by name, and opens nothing', async () => {
    const before = await stats();
    const other = (await db.get<{ id: string }>(
      `SELECT a.lesson_id AS id FROM lesson_audience a JOIN classrooms c ON c.id = a.classroom_id WHERE c.school_id = 'sch-lt' LIMIT 1`,
    )) ?? expect.fail('a lesson of 理塘');
    const ask = (lessonId: string, body: unknown) =>
      fetch(`${countyBase}${EdgeLivePaths.feed(lessonId)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${edgeToken}` },
        body: JSON.stringify(body),
      });
    const foreign = await ask(other.id, { rtpCapabilities: caps, instance: 'x1' });
    expect([foreign.status, ((await foreign.json()) as { error: { code: string } }).error.code]).toEqual([403, 'forbidden']);
    const malformed = await ask(DEMO_LIVE_LESSON_ID, { rtpCapabilities: caps });
    expect([malformed.status, ((await malformed.json()) as { error: { code: string } }).error.code]).toEqual([400, 'bad_request']);
    const noToken = await fetch(`${countyBase}${EdgeLivePaths.feed(DEMO_LIVE_LESSON_ID)}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(noToken.status).toBe(401);
    expect((await stats()).feeds.map((f) => f.feedId)).toEqual(before.feeds.map((f) => f.feedId));
  });
});
