// The SFU on two workers, on the real hub with real mediasoup workers and the ffmpeg broadcaster (camera + slides +
// audio): a lesson produced on one worker is decoded by ffmpeg from the other worker's router (pipeToRouter), a
// classroom past the per-worker limit joins over the unchanged protocol on the second worker's WebRtcServer, and a
// worker killed with SIGKILL is replaced: its classrooms' sockets close (so they rejoin), the lesson is made again,
// the broadcast returns and a rejoining classroom gets every source again. Limit: 1 classroom per worker.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsumerInfo } from '../../../../src/shared/live-protocol.ts';
import { EnrollResponse } from '../../../../src/shared/protocol.ts';
import { rawLiveSocket } from '../../../../tests/support/live-page.ts';
import { waitFor } from '../../../../tests/support/ports.ts';
import { openDatabase, type HubDatabase } from '../../../core/db/open-database.ts';
import { seedDemo } from '../../demo/seed-demo.ts';
import { createHub } from '../../../county/create-hub.ts';
import { DEMO_LIVE_LESSON_ID, ensureDemoLiveLesson, startDemoBroadcast, type DemoBroadcast } from '../broadcast/demo-live.ts';
import { createLiveSfu, liveUnavailableReason, type LiveSfu } from './live-sfu.ts';
import { DEFAULT_RECORDING_FORMAT, startSegment } from '../recording/recording-segment.ts';

const run = promisify(execFile);
const ADMIN = 'admin-secret-for-sfu-workers-0123456789';
const workerReason = liveUnavailableReason();
const LESSON = DEMO_LIVE_LESSON_ID;

async function framesIn(file: string) {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-count_frames', '-print_format', 'json', '-show_streams', file]);
  return (JSON.parse(stdout) as { streams: { codec_type: string; nb_read_frames?: string }[] }).streams.map((s) => ({ type: s.codec_type, frames: Number(s.nb_read_frames ?? 0) }));
}

describe.skipIf(workerReason !== null)(`SFU on two workers${workerReason ? ` (skipped: ${workerReason})` : ''}`, () => {
  let dir: string;
  let db: HubDatabase;
  let sfu: LiveSfu;
  let app: FastifyInstance;
  let base: string;
  let broadcast: DemoBroadcast;
  const log: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hub-sfu-workers-'));
    db = openDatabase(join(dir, 'hub.sqlite'));
    await seedDemo(db, new Date());
    await ensureDemoLiveLesson(db, new Date());
    sfu = await createLiveSfu({ rtcPort: 0, listenIp: '127.0.0.1', announcedIp: '127.0.0.1', workers: 2, viewersPerRouter: 1, log: (l) => log.push(l) });
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

  const token = async (code: string) => {
    const res = await fetch(`${base}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, deviceName: 'pc' }) });
    return EnrollResponse.parse(await res.json()).device.token;
  };
  type Joined = { media: { transport: { iceCandidates: { port: number }[] }; consumers: ConsumerInfo[] } };
  const joinAs = async (code: string) => {
    const socket = await rawLiveSocket(base);
    const closed = new Promise<number>((resolve) => socket.ws.once('close', (code) => resolve(code)));
    const answer = await socket.call('join', { lessonId: LESSON, token: await token(code), role: 'viewer', media: { rtpCapabilities: sfu.routerRtpCapabilities } });
    expect(answer).toMatchObject({ kind: 'response', ok: true });
    return { socket, closed, joined: (answer.kind === 'response' && answer.ok ? answer.data : null) as Joined };
  };
  const onAir = () => waitFor(async () => (sfu.existingRoom(LESSON)?.producers().length === 3 ? true : undefined), 'camera, slides and audio on air', 30_000, 100);

  it('a classroom on worker 2 decodes a lesson produced on worker 1 (pipeToRouter; ffmpeg decodes camera, slides and audio)', async () => {
    await onAir();
    const room = await sfu.room(LESSON);
    const first = await sfu.place(LESSON, 'viewer');
    const second = await sfu.place(LESSON, 'viewer');
    expect(first.place.router).toBe(room.router);
    expect(second.place.workerIndex).not.toBe(first.place.workerIndex);
    expect(sfu.lessonViewers(LESSON)).toEqual([
      { workerIndex: first.place.workerIndex, viewers: 1, role: 'origin' },
      { workerIndex: second.place.workerIndex, viewers: 1, role: 'fanout' },
    ]);
    const piped = await second.place.producers();
    // The same ids and sources on worker 2: what a classroom is told does not depend on where it sits.
    expect(piped.map((p) => [p.id, p.appData])).toEqual(room.producers().map((p) => [p.id, p.appData]));
    expect(piped.every((p) => !room.producers().includes(p))).toBe(true); // pipe producers of worker 2's router

    const segmentDir = join(dir, 'decoded');
    const segment = await startSegment({ router: second.place.router, producers: piped, dir: segmentDir, format: DEFAULT_RECORDING_FORMAT, now: () => new Date() });
    expect(segment.sources).toEqual({ camera: true, courseware: true, audio: true });
    await waitFor(async () => ((await stat(join(segmentDir, 'camera.mkv')).catch(() => null))?.size ?? 0) > 60_000 ? true : undefined, 'decoded camera frames from worker 2', 60_000);
    expect((await segment.stop()).error).toBeNull();
    const camera = await framesIn(join(segmentDir, 'camera.mkv'));
    expect(camera.find((s) => s.type === 'video')?.frames).toBeGreaterThan(10);
    expect(camera.find((s) => s.type === 'audio')?.frames).toBeGreaterThan(10);
    expect((await framesIn(join(segmentDir, 'courseware.mkv'))).find((s) => s.type === 'video')?.frames).toBeGreaterThan(0);
    first.place.release();
    second.place.release();
    // The empty fan-out router is closed (its pipes cost the origin worker).
    await waitFor(async () => (sfu.lessonViewers(LESSON)?.length === 1 ? true : undefined), 'the fan-out router closed', 5_000, 50);
  }, 120_000);

  it('a classroom past the limit joins on the other worker’s WebRtcServer, over the same protocol, with every source', async () => {
    const a = await joinAs('DEMO-ZJ-1');
    const b = await joinAs('DEMO-ZJ-2');
    const [origin, fanout] = sfu.lessonViewers(LESSON) ?? [];
    expect(origin).toMatchObject({ role: 'origin', viewers: 1 });
    expect(fanout).toMatchObject({ role: 'fanout', viewers: 1 });
    const portOf = (index: number | undefined) => sfu.pool.worker(index ?? -1).port;
    expect(a.joined.media.transport.iceCandidates[0]?.port).toBe(portOf(origin?.workerIndex));
    expect(b.joined.media.transport.iceCandidates[0]?.port).toBe(portOf(fanout?.workerIndex));
    const seen = (j: Joined) => j.media.consumers.map((c) => [c.producerId, c.source, c.kind, c.spatialLayers]);
    expect(seen(b.joined)).toEqual(seen(a.joined));
    expect(seen(b.joined).map((c) => c[1])).toEqual(['camera', 'courseware', 'microphone']);
    expect(await sfu.registry.lesson(LESSON)).toMatchObject([
      { role: 'origin', workerIndex: origin?.workerIndex, routerId: sfu.existingRoom(LESSON)?.router.id, viewers: 1 },
      { role: 'fanout', workerIndex: fanout?.workerIndex, viewers: 1 },
    ]);
    a.socket.ws.close();
    b.socket.ws.close();
    await waitFor(async () => (sfu.lessonViewers(LESSON)?.length === 1 && sfu.lessonViewers(LESSON)?.[0]?.viewers === 0 ? true : undefined), 'seats freed', 5_000, 50);
  });

  it('a fan-out worker killed with SIGKILL: only its classrooms reconnect, the lesson stays; the worker is replaced', async () => {
    const a = await joinAs('DEMO-ZJ-1');
    const b = await joinAs('DEMO-ZJ-2');
    const room = sfu.existingRoom(LESSON);
    const fanoutIndex = sfu.lessonViewers(LESSON)?.[1]?.workerIndex ?? -1;
    const dead = sfu.pool.worker(fanoutIndex).worker;
    process.kill(dead.pid, 'SIGKILL');
    expect(await b.closed).toBe(1012);
    await waitFor(async () => (sfu.pool.worker(fanoutIndex).worker !== dead && sfu.pool.worker(fanoutIndex).alive ? true : undefined), 'a new worker', 15_000, 50);
    expect(sfu.pool.worker(fanoutIndex).worker.pid).not.toBe(dead.pid);
    expect(sfu.existingRoom(LESSON)).toBe(room);
    expect(a.socket.ws.readyState).toBe(a.socket.ws.OPEN);
    // B rejoins (as its LiveController does after any lost socket) and is placed on the new worker.
    const again = await joinAs('DEMO-ZJ-2');
    expect(again.joined.media.consumers.map((c) => c.source)).toEqual(['camera', 'courseware', 'microphone']);
    expect(again.joined.media.transport.iceCandidates[0]?.port).toBe(sfu.pool.worker(fanoutIndex).port);
    a.socket.ws.close();
    again.socket.ws.close();
  }, 60_000);

  it('the origin worker killed with SIGKILL: every classroom reconnects, the lesson is made again and on air again', async () => {
    const a = await joinAs('DEMO-ZJ-1');
    const b = await joinAs('DEMO-ZJ-2');
    const oldRoom = sfu.existingRoom(LESSON);
    const originIndex = sfu.lessonViewers(LESSON)?.[0]?.workerIndex ?? -1;
    const dead = sfu.pool.worker(originIndex).worker;
    process.kill(dead.pid, 'SIGKILL');
    expect(await a.closed).toBe(1012);
    expect(await b.closed).toBe(1012);
    await waitFor(async () => (sfu.pool.worker(originIndex).worker !== dead ? true : undefined), 'a new worker', 15_000, 50);
    const room = sfu.existingRoom(LESSON);
    expect(room).toBeDefined();
    expect(room).not.toBe(oldRoom);
    expect(room?.router.closed).toBe(false);
    await onAir(); // the demo broadcast moved to the new room by itself
    const again = await joinAs('DEMO-ZJ-1');
    expect(again.joined.media.consumers.map((c) => c.source)).toEqual(['camera', 'courseware', 'microphone']);
    expect(log.join('\n')).toMatch(/worker \d \(pid \d+\) died/);
    again.socket.ws.close();
  }, 60_000);
});
