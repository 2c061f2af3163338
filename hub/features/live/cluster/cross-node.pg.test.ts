// Two hub nodes, each with its own SFU (its own mediasoup worker processes), sharing one PostgreSQL database and so
// the live registry: a lesson broadcast on node A (ffmpeg: camera + slides + audio) is watched by a classroom whose
// join reached node B. B finds the origin on A in the registry, asks A over the cluster route for a pipe, and its
// classroom gets every source with A's producer ids; ffmpeg decodes what B's router receives. The cluster route
// refuses a call without the shared secret by name and opens nothing; a killed origin worker moves B's classrooms;
// 答题器 and 下课 said on A reach B's classrooms; node A gone moves B's classrooms too.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ConsumerInfo } from '../../../../src/shared/live-protocol.ts';
import { EnrollResponse, ErrorResponse } from '../../../../src/shared/protocol.ts';
import { rawLiveSocket } from '../../../../tests/support/live-page.ts';
import { freePort, waitFor } from '../../../../tests/support/ports.ts';
import { createDatabase } from '../../../../tests/support/postgres-server.ts';
import { openPostgres } from '../../../core/db/open-database.ts';
import type { SqlDb } from '../../../core/db/sql-db.ts';
import { seedDemo } from '../../demo/seed-demo.ts';
import { createHub } from '../../../county/create-hub.ts';
import { clusterPipesPath } from './cluster-protocol.ts';
import { DEMO_LIVE_LESSON_ID, ensureDemoLiveLesson, startDemoBroadcast, type DemoBroadcast } from '../broadcast/demo-live.ts';
import { createLiveSfu, liveUnavailableReason, type LiveSfu } from '../sfu/live-sfu.ts';
import { DEFAULT_RECORDING_FORMAT, startSegment } from '../recording/recording-segment.ts';
import { createStoreLiveRegistry, type StoreLiveRegistry } from './store-live-registry.ts';

const run = promisify(execFile);
const ADMIN = 'admin-secret-for-cross-node-0123456789';
const SECRET = 'cluster-secret-for-cross-node-tests-0123456789';
const LESSON = DEMO_LIVE_LESSON_ID;
const workerReason = liveUnavailableReason();

type Node = { id: string; db: SqlDb; registry: StoreLiveRegistry; sfu: LiveSfu; app: FastifyInstance; base: string };

async function framesIn(file: string) {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-count_frames', '-print_format', 'json', '-show_streams', file]);
  return (JSON.parse(stdout) as { streams: { codec_type: string; nb_read_frames?: string }[] }).streams.map((s) => ({ type: s.codec_type, frames: Number(s.nb_read_frames ?? 0) }));
}

describe.skipIf(workerReason !== null)(`live across two hub nodes${workerReason ? ` (skipped: ${workerReason})` : ''}`, () => {
  let dir: string;
  let a: Node;
  let b: Node;
  let broadcast: DemoBroadcast;
  const log: string[] = [];

  const startNode = async (id: string, url: string): Promise<Node> => {
    const db = await openPostgres(url, { max: 4 });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const registry = await createStoreLiveRegistry({ db, nodeId: id, nodeUrl: base, now: Date.now, log: (l) => log.push(l) });
    const sfu = await createLiveSfu({
      rtcPort: 0,
      listenIp: '127.0.0.1',
      announcedIp: '127.0.0.1',
      registry,
      nodeId: id,
      cluster: { secret: SECRET, pipeIp: '127.0.0.1' },
      log: (l) => log.push(`${id}: ${l}`),
    });
    const app = await createHub({ db, hubName: '测试中心', adminToken: ADMIN, live: { sfu }, clusterSecret: SECRET });
    await app.listen({ host: '127.0.0.1', port });
    return { id, db, registry, sfu, app, base };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hub-cross-node-'));
    const url = await createDatabase(inject('postgresUrl'));
    a = await startNode('node-a', url);
    b = await startNode('node-b', url);
    await seedDemo(a.db, new Date());
    await ensureDemoLiveLesson(a.db, new Date());
    broadcast = await startDemoBroadcast(a.sfu, { courseware: true });
  }, 60_000);
  afterAll(async () => {
    await broadcast?.stop();
    for (const node of [b, a]) {
      if (!node) continue;
      await node.app.close();
      node.sfu.close();
      node.registry.close();
      await node.db.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const onAir = () => waitFor(async () => (a.sfu.existingRoom(LESSON)?.producers().length === 3 ? true : undefined), 'camera, slides and audio on air on node A', 30_000, 100);
  const token = async (node: Node, code: string) => {
    const res = await fetch(`${node.base}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, deviceName: 'pc' }) });
    return EnrollResponse.parse(await res.json()).device.token;
  };
  type Joined = { media: { consumers: ConsumerInfo[] } };
  const joinAs = async (node: Node, code: string) => {
    const socket = await rawLiveSocket(node.base);
    const closed = new Promise<number>((resolve) => socket.ws.once('close', (c) => resolve(c)));
    const answer = await socket.call('join', { lessonId: LESSON, token: await token(node, code), role: 'viewer', media: { rtpCapabilities: node.sfu.routerRtpCapabilities } });
    expect(answer).toMatchObject({ kind: 'response', ok: true });
    return { socket, closed, joined: (answer.kind === 'response' && answer.ok ? answer.data : null) as Joined };
  };

  it('a classroom joining on node B watches the lesson broadcast on node A: same producers, decoded from B’s router', async () => {
    await onAir();
    const origin = a.sfu.existingRoom(LESSON);
    const viewer = await joinAs(b, 'DEMO-ZJ-1');
    expect(viewer.joined.media.consumers.map((c) => [c.producerId, c.source])).toEqual(origin?.producers().map((p) => [p.id, p.appData.source ?? 'microphone']));
    expect(b.sfu.existingRoom(LESSON)).toBeUndefined(); // a copy, not an origin: B does not record it
    expect(b.sfu.lessonViewers(LESSON)).toEqual([{ workerIndex: 0, viewers: 1, role: 'origin' }]);
    expect((await a.registry.lesson(LESSON)).map((p) => [p.nodeId, p.role, p.viewers])).toEqual([
      ['node-a', 'origin', 0],
      ['node-b', 'fanout', 1],
    ]);
    expect(a.sfu.pipes?.count()).toBe(1);

    // What B's router receives over the pipe, decoded.
    const { place } = await b.sfu.place(LESSON, 'viewer');
    const piped = await place.producers();
    const segmentDir = join(dir, 'decoded-on-b');
    const segment = await startSegment({ router: place.router, producers: piped, dir: segmentDir, format: DEFAULT_RECORDING_FORMAT, now: () => new Date() });
    expect(segment.sources).toEqual({ camera: true, courseware: true, audio: true });
    await waitFor(async () => (((await stat(join(segmentDir, 'camera.mkv')).catch(() => null))?.size ?? 0) > 60_000 ? true : undefined), 'decoded camera frames on node B', 60_000);
    expect((await segment.stop()).error).toBeNull();
    const camera = await framesIn(join(segmentDir, 'camera.mkv'));
    expect(camera.find((s) => s.type === 'video')?.frames).toBeGreaterThan(10);
    expect(camera.find((s) => s.type === 'audio')?.frames).toBeGreaterThan(10);
    expect((await framesIn(join(segmentDir, 'courseware.mkv'))).find((s) => s.type === 'video')?.frames).toBeGreaterThan(0);
    place.release();
    viewer.socket.ws.close();
  }, 120_000);

  it('a lesson’s first classrooms joining through both nodes at the same moment: one origin, the other node pipes it', async () => {
    // Each round is a race: both nodes look for an origin, find none and make one; the registry keeps the first claim
    // (store-live-registry.pg.test.ts races the claims themselves) and the loser looks again and pipes the winner's.
    for (let round = 0; round < 5; round++) {
      const lessonId = `les-first-join-race-${round}`;
      const [onA, onB] = await Promise.all([a.sfu.place(lessonId, 'viewer'), b.sfu.place(lessonId, 'viewer')]);
      const origins = (await a.registry.lesson(lessonId)).filter((p) => p.role === 'origin');
      expect(origins).toHaveLength(1);
      const [winner, loser] = origins[0]?.nodeId === a.id ? [a, b] : [b, a];
      expect(winner.sfu.existingRoom(lessonId)).toBeDefined();
      expect(loser.sfu.existingRoom(lessonId)).toBeUndefined(); // a copy of the winner's, as a classroom on B above
      expect((await a.registry.lesson(lessonId)).map((p) => [p.nodeId, p.role])).toEqual([
        [winner.id, 'origin'],
        [loser.id, 'fanout'],
      ]);
      onA.place.release();
      onB.place.release();
    }
  }, 60_000);

  it('refuses a pipe asked without the cluster secret (or with another), by name, and opens nothing', async () => {
    const before = a.sfu.pipes?.count();
    const body = JSON.stringify({ nodeId: 'intruder', ip: '127.0.0.1', port: 9 });
    const wrong: Record<string, string>[] = [{}, { authorization: `Bearer ${'w'.repeat(46)}` }, { authorization: `Bearer ${ADMIN}` }];
    for (const headers of wrong) {
      const res = await fetch(`${a.base}${clusterPipesPath(LESSON)}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      expect(res.status).toBe(401);
      expect(ErrorResponse.parse(await res.json()).error.code).toBe('unauthorized');
    }
    // With the secret but a malformed address: refused by name too.
    const bad = await fetch(`${a.base}${clusterPipesPath(LESSON)}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` }, body: JSON.stringify({ nodeId: 'x', ip: 'not-an-ip', port: 9 }) });
    expect(bad.status).toBe(400);
    expect(ErrorResponse.parse(await bad.json()).error.code).toBe('bad_request');
    expect(a.sfu.pipes?.count()).toBe(before);
  });

  it('the origin’s worker killed on node A: B’s classroom reconnects and watches the lesson made again, through a new pipe', async () => {
    const viewer = await joinAs(b, 'DEMO-ZJ-1');
    const oldRoom = a.sfu.existingRoom(LESSON);
    process.kill(a.sfu.pool.worker(0).worker.pid, 'SIGKILL');
    expect(await viewer.closed).toBe(1012);
    await waitFor(async () => (a.sfu.existingRoom(LESSON) && a.sfu.existingRoom(LESSON) !== oldRoom ? true : undefined), 'the lesson made again on node A', 15_000, 50);
    await onAir(); // the demo broadcast moves to the new room by itself
    const again = await joinAs(b, 'DEMO-ZJ-1');
    expect(again.joined.media.consumers.map((c) => c.producerId)).toEqual(a.sfu.existingRoom(LESSON)?.producers().map((p) => p.id));
    again.socket.ws.close();
  }, 60_000);
  it('the question on node A’s screens (答题器) and 下课 reach the classrooms watching on node B', async () => {
    await onAir();
    const viewer = await joinAs(b, 'DEMO-ZJ-2');
    const origin = a.sfu.existingRoom(LESSON);
    const push = { pushId: 'push-cross-1', lessonId: LESSON, quizId: 'quiz-cross', quizTitle: '随堂练习', question: { id: 'q1', prompt: '(-2)×3 = ?', choices: ['-6', '6'], answer: 0 }, at: new Date().toISOString() };
    origin?.pushQuiz(push);
    const pushed = await viewer.socket.next((m) => m.kind === 'notification' && m.notification.type === 'quizPush');
    expect(pushed.kind === 'notification' && pushed.notification.type === 'quizPush' ? pushed.notification.push.pushId : null).toBe('push-cross-1');
    await origin?.endLesson();
    await viewer.socket.next((m) => m.kind === 'notification' && m.notification.type === 'onAir' && !m.notification.onAir);
    // In the origin's order: the question closed, 下课, then off air.
    const said = viewer.socket.messages.flatMap((m) => (m.kind !== 'notification' ? [] : m.notification.type === 'onAir' ? [`onAir:${m.notification.onAir}`] : [m.notification.type]));
    const at = (what: string) => said.indexOf(what);
    expect(at('quizClosed')).toBeGreaterThanOrEqual(0);
    expect(at('quizClosed')).toBeLessThan(at('lessonEnded'));
    expect(at('lessonEnded')).toBeLessThan(at('onAir:false'));
    viewer.socket.ws.close();
  }, 60_000);
  it('node A unreachable: B’s classrooms reconnect, a join is refused by name while A counts as alive, and made on B once A’s rows go', async () => {
    // Off air since 下课 above; B's copy of the lesson is still piped from A.
    const viewer = await joinAs(b, 'DEMO-ZJ-1');
    expect(b.sfu.lessonViewers(LESSON)).toEqual([{ workerIndex: 0, viewers: 1, role: 'origin' }]);
    await a.app.close(); // A's HTTP gone, its registry rows still there (a crashed node's stay until its heartbeat times out)
    expect(await viewer.closed).toBe(1012); // three failed polls of A
    const join = async () => {
      const socket = await rawLiveSocket(b.base);
      const answer = await socket.call('join', { lessonId: LESSON, token: await token(b, 'DEMO-ZJ-1'), role: 'viewer', media: { rtpCapabilities: b.sfu.routerRtpCapabilities } });
      socket.ws.close();
      return answer;
    };
    expect(await join()).toMatchObject({ kind: 'response', ok: false, error: { code: 'upstream_unavailable' } });
    expect(b.sfu.lessonViewers(LESSON)).toBeUndefined(); // nothing half-made on B
    // A's SFU stops (its routers' rows go, as at a graceful stop or once A's heartbeat has timed out): B makes the
    // lesson itself and waits for the broadcaster.
    await broadcast.stop();
    a.sfu.close();
    await waitFor(async () => ((await b.registry.lesson(LESSON)).every((p) => p.nodeId !== 'node-a') ? true : undefined), 'node A’s rows gone', 10_000, 50);
    expect(await join()).toMatchObject({ kind: 'response', ok: true });
    expect((await b.registry.lesson(LESSON)).map((p) => [p.nodeId, p.role])).toEqual([['node-b', 'origin']]);
  }, 60_000);
});
