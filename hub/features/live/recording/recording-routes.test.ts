// 下课 over HTTP on the real hub (SQLite, HTTP, WebSocket) with a real SFU, broadcaster and ffmpeg: the end route takes
// the lesson off air, tells the classrooms, and the recording becomes a pack the audience devices list. Refusals are
// named and change nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PacksResponse } from '../../../../src/shared/content-protocol.ts';
import { livePaths, RecordingStatus } from '../../../../src/shared/live-protocol.ts';
import { EnrollResponse } from '../../../../src/shared/protocol.ts';
import { rawLiveSocket } from '../../../../tests/support/live-page.ts';
import { waitFor } from '../../../../tests/support/ports.ts';
import { openDatabase } from '../../../core/db/open-database.ts';
import type { SqliteDb } from '../../../core/db/sqlite-db.ts';
import { seedDemo } from '../../demo/seed-demo.ts';
import { createHub } from '../../../county/create-hub.ts';
import { ephemeralPackSigner } from '../../../core/signing/pack-signing.ts';
import { DEMO_LIVE_LESSON_ID, ensureDemoLiveLesson, startDemoBroadcast, type DemoBroadcast } from '../broadcast/demo-live.ts';
import type { LessonRecorder } from './lesson-recorder.ts';
import { createLiveSfu, liveUnavailableReason, type LiveSfu } from '../sfu/live-sfu.ts';
import { startLessonRecorder } from './start-recorder.ts';

const ADMIN = 'admin-secret-for-recording-tests-0123';
const workerReason = liveUnavailableReason();

describe.skipIf(workerReason !== null)(`下课 and the recording over HTTP${workerReason ? ` (skipped: ${workerReason})` : ''}`, () => {
  let dir: string;
  let db: SqliteDb;
  let sfu: LiveSfu;
  let recorder: LessonRecorder;
  let app: FastifyInstance;
  let base: string;
  let broadcast: DemoBroadcast;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hub-rec-routes-'));
    db = openDatabase(join(dir, 'hub.sqlite'));
    await seedDemo(db, new Date());
    await ensureDemoLiveLesson(db, new Date());
    sfu = await createLiveSfu({ rtcPort: 0, listenIp: '127.0.0.1', announcedIp: '127.0.0.1' });
    const format = { camera: { width: 320, height: 180, fps: 25 }, courseware: { width: 640, height: 360, fps: 5 } };
    // One key for the hub and its recorder: classrooms accept only packs signed by the hub they enrolled with.
    const packSigner = ephemeralPackSigner();
    recorder = await startLessonRecorder(sfu, { db, dataDir: dir, contentDir: join(dir, 'content'), packSigner, format, endGraceMs: 600_000 });
    app = await createHub({ db, hubName: '测试中心', adminToken: ADMIN, contentDir: join(dir, 'content'), packSigner, live: { sfu, recorder } });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    broadcast = await startDemoBroadcast(sfu, { courseware: true });
  });
  afterAll(async () => {
    await broadcast?.stop();
    await recorder?.close();
    await app?.close();
    sfu?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const admin = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN}` } });
  const status = async () => RecordingStatus.parse(await (await admin(livePaths.recording(DEMO_LIVE_LESSON_ID))).json());

  it('refuses an unknown lesson, a bad id and a missing credential, and the lesson stays on air', async () => {
    const unknown = await admin(livePaths.end('les-nope'), { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });
    const bad = await admin('/v1/admin/live/..%2Fx/end', { method: 'POST' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'bad_request' } });
    const anonymous = await fetch(`${base}${livePaths.end(DEMO_LIVE_LESSON_ID)}`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect(sfu.existingRoom(DEMO_LIVE_LESSON_ID)?.onAir).toBe(true);
    await waitFor(async () => ((await status()).state === 'recording' ? true : undefined), 'the lesson being recorded');
  });

  it('ends the lesson: classrooms hear of it, and the recording becomes a pack the audience classroom lists', async () => {
    const enroll = await fetch(`${base}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'DEMO-ZJ-2', deviceName: 'pc' }) });
    const token = EnrollResponse.parse(await enroll.json()).device.token;
    const viewer = await rawLiveSocket(base);
    await viewer.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token, role: 'viewer' });
    // Slides change every 5 s: let a few seconds of both sources reach the recording before 下课.
    const slides = join(dir, 'recordings', DEMO_LIVE_LESSON_ID, 'seg-001', 'courseware.mkv');
    await waitFor(async () => (((await stat(slides).catch(() => null))?.size ?? 0) > 2000 ? true : undefined), 'slides on disk');

    const ended = await admin(livePaths.end(DEMO_LIVE_LESSON_ID), { method: 'POST' });
    expect(ended.status).toBe(202);
    await viewer.next((m) => m.kind === 'notification' && m.notification.type === 'lessonEnded');
    expect(sfu.existingRoom(DEMO_LIVE_LESSON_ID)?.onAir).toBe(false);
    const ready = await waitFor(async () => {
      const s = await status();
      if (s.state === 'failed') throw new Error(s.error ?? 'failed');
      return s.state === 'ready' ? s : undefined;
    }, 'the recording pack', 60_000);
    expect(ready.packId).toBe(`rec-${DEMO_LIVE_LESSON_ID}`);

    const packs = PacksResponse.parse(await (await fetch(`${base}/v1/content/packs`, { headers: { authorization: `Bearer ${token}` } })).json());
    const pack = packs.packs.find((p) => p.manifest.id === ready.packId);
    expect(pack?.lessonIds).toEqual([DEMO_LIVE_LESSON_ID]);
    expect(pack?.manifest.files.map((f) => f.path)).toEqual(['camera.mp4', 'courseware.mp4', 'recording.json']);
    viewer.ws.close();
  }, 90_000);
});
