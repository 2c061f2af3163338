// Every live lesson recorded, on a real mediasoup worker and real ffmpeg: the broadcaster sends camera + slides, the hub
// stops mid-lesson (recorder closed, a new one recovers the session), the lesson carries on with the camera only, then
// goes off air; after the grace period the recording is one pack on both audience classrooms: camera.mp4 (H.264 +
// AAC) and courseware.mp4 (H.264, filled where there were no slides) on one timeline, and recording.json.
import { readFile, stat } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackManifest } from '../../../../src/shared/content-protocol.ts';
import { RecordingIndex } from '../../../../src/shared/recording-index.ts';
import { blobPath } from '../../content/content-store.ts';
import { ephemeralPackSigner } from '../../../core/signing/pack-signing.ts';
import { packsForClassroom } from '../../content/content-repo.ts';
import { openDatabase } from '../../../core/db/open-database.ts';
import type { SqliteDb } from '../../../core/db/sqlite-db.ts';
import { seedDemo } from '../../demo/seed-demo.ts';
import { DEMO_LIVE_LESSON_ID, ensureDemoLiveLesson, startDemoBroadcast } from '../broadcast/demo-live.ts';
import { LessonRecorder, NO_PICTURE, type LessonRecorderOptions } from './lesson-recorder.ts';
import { createLiveSfu, liveUnavailableReason, type LiveSfu } from '../sfu/live-sfu.ts';
import { readSession } from './recording-session.ts';
import { waitFor } from '../../../../tests/support/ports.ts';

const run = promisify(execFile);
const workerReason = liveUnavailableReason();

async function probe(file: string) {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]);
  return JSON.parse(stdout) as { format: { format_name: string; duration: string }; streams: { codec_type: string; codec_name: string; width?: number }[] };
}

const sizeOf = async (file: string) => (await stat(file).catch(() => null))?.size ?? 0;

describe.skipIf(workerReason !== null)(`lesson recorder on a real SFU and ffmpeg${workerReason ? ` (skipped: ${workerReason})` : ''}`, () => {
  let dir: string;
  let db: SqliteDb;
  let sfu: LiveSfu;
  const log: string[] = [];
  const packSigner = ephemeralPackSigner();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hub-rec-'));
    db = openDatabase(join(dir, 'hub.sqlite'));
    await seedDemo(db, new Date());
    await ensureDemoLiveLesson(db, new Date());
    sfu = await createLiveSfu({ rtcPort: 0, listenIp: '127.0.0.1', announcedIp: '127.0.0.1' });
  });
  afterAll(async () => {
    sfu?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const options = (): LessonRecorderOptions => ({
    db,
    recordingsDir: join(dir, 'recordings'),
    contentDir: join(dir, 'content'),
    packSigner,
    settleMs: 200,
    endGraceMs: 1500,
    // Small sizes: the machine running the tests is shared; the sizes do not change what is proven.
    format: { camera: { width: 320, height: 180, fps: 25 }, courseware: { width: 640, height: 360, fps: 5 } },
    log: (line) => log.push(`${new Date().toISOString().slice(11, 23)} ${line}`),
  });

  it('records camera, slides and sound across a hub restart and makes one pack for every audience classroom', async () => {
    const lessonDir = join(dir, 'recordings', DEMO_LIVE_LESSON_ID);
    const first = new LessonRecorder(options());
    sfu.onRoom((room) => first.watch(room));
    const startedAt = Date.now();
    const withSlides = await startDemoBroadcast(sfu, { courseware: true });
    const seg1 = join(lessonDir, 'seg-001');
    // A few seconds of both sources on disk (slides change every 5 s; a keyframe every 2 s).
    const grown = (file: string, bytes: number) => async () => ((await sizeOf(file)) > bytes ? true : undefined);
    await waitFor(grown(join(seg1, 'camera.mkv'), 60_000), 'camera in segment 1');
    await waitFor(grown(join(seg1, 'courseware.mkv'), 2_000), 'slides in segment 1');
    expect(first.status(DEMO_LIVE_LESSON_ID).state).toBe('recording');

    // The hub stops mid-lesson: the segment is closed properly and the session stays open for the next start.
    await first.close();
    await withSlides.stop();
    const second = new LessonRecorder(options());
    await second.recover();
    sfu.onRoom((room) => second.watch(room));
    const ready = new Promise<PackManifest>((resolve, reject) => {
      second.once('ready', (_id, manifest) => resolve(manifest));
      second.once('failed', (_id, reason) => reject(new Error(reason)));
    });

    const cameraOnly = await startDemoBroadcast(sfu, { courseware: false });
    const seg2 = join(lessonDir, 'seg-002');
    await waitFor(grown(join(seg2, 'camera.mkv'), 60_000), 'camera in segment 2');
    await cameraOnly.stop(); // off air: after endGraceMs the lesson counts as over
    const manifest = await ready;
    const finishedAt = Date.now();

    expect(manifest.kind).toBe('recording');
    expect(manifest.title).toBe('直播：有理数的乘法（录播）');
    expect(manifest.files.map((f) => f.path)).toEqual(['camera.mp4', 'courseware.mp4', 'recording.json']);
    for (const classroom of ['cls-zj-7-1', 'cls-zj-7-2']) {
      expect((await packsForClassroom(db, classroom)).map((p) => p.manifest.id)).toContain(manifest.id);
    }
    const stored = (path: string) => {
      const file = manifest.files.find((f) => f.path === path);
      if (!file) throw new Error(`${path} missing`);
      expect(file.chunks.length).toBeGreaterThan(0);
      return blobPath(join(dir, 'content'), file.sha256);
    };
    const camera = await probe(stored('camera.mp4'));
    expect(camera.format.format_name).toContain('mp4');
    expect(camera.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(['audio:aac', 'video:h264']);
    expect(camera.streams.find((s) => s.codec_type === 'video')?.width).toBe(320);
    const courseware = await probe(stored('courseware.mp4'));
    expect(courseware.streams.map((s) => `${s.codec_type}:${s.codec_name}`)).toEqual(['video:h264']);
    expect(courseware.streams[0]?.width).toBe(640);
    // One timeline: the slides (and the card where there were none) last as long as the camera, within a GOP (2 s:
    // recording-segment.ts, fps × 2). The bound was 1.5 s, tighter than a GOP: a loaded CI run read 1.59.
    expect(Math.abs(Number(courseware.format.duration) - Number(camera.format.duration))).toBeLessThan(2);

    const index = RecordingIndex.parse(JSON.parse(await readFile(stored('recording.json'), 'utf8')));
    expect(index.courseware).toBe('courseware.mp4');
    expect(index.segments).toHaveLength(2);
    const [a, b] = index.segments;
    expect(Date.parse(a?.startedAt ?? '')).toBeGreaterThanOrEqual(startedAt - 1000);
    expect(Date.parse(b?.startedAt ?? '')).toBeGreaterThan(Date.parse(a?.startedAt ?? ''));
    expect(Date.parse(b?.startedAt ?? '')).toBeLessThan(finishedAt);
    expect(b?.at).toBeCloseTo(a?.duration ?? -1, 3);
    expect((b?.at ?? 0) + (b?.duration ?? 0)).toBeCloseTo(Number(camera.format.duration), 0);

    const session = await readSession(lessonDir);
    expect(session?.finalizedSegments).toBe(2);
    expect(second.status(DEMO_LIVE_LESSON_ID)).toMatchObject({ state: 'ready', packId: manifest.id, segments: 2 });
    await second.close();
  }, 120_000);

  it('tells the lead console when a segment has no picture even after asking its sources again', async () => {
    // Its own SFU, whose ingest stays on air without RTP for a minute (the hub's default takes it off after 5 s).
    const quietSfu = await createLiveSfu({ rtcPort: 0, listenIp: '127.0.0.1', announcedIp: '127.0.0.1', ingestWatch: { silenceMs: 60_000, checkEveryMs: 1_000, log: () => undefined } });
    const recorder = new LessonRecorder({ ...options(), recordingsDir: join(dir, 'recordings-quiet'), firstFrameWatch: { everyMs: 200, maxAsks: 3 } });
    try {
      const room = await quietSfu.room('les-no-picture');
      recorder.watch(room);
      // A broadcaster whose ports are open but who sends nothing: camera and sound on air, no key frame, ever.
      await room.openIngest({ video: [{ ssrc: 1111, maxBitrate: 500_000, scaleDown: 1 }], audioSsrc: 2222, videoPayloadType: 101, audioPayloadType: 100 });
      await waitFor(() => Promise.resolve(recorder.status('les-no-picture').error === NO_PICTURE ? true : undefined), 'the no-picture warning', 30_000);
      expect(recorder.status('les-no-picture').state).toBe('recording');
      expect(log.some((l) => l.includes('les-no-picture: seg-001: first frames: nothing written after 3 key frame requests'))).toBe(true);
      await room.closeIngest();
      await waitFor(() => Promise.resolve(recorder.status('les-no-picture').state !== 'recording' ? true : undefined), 'off air', 30_000);
      expect(recorder.status('les-no-picture').error).toBeNull(); // the warning was the segment's, and it is over
    } finally {
      await recorder.close();
      quietSfu.close();
    }
  }, 90_000);
});
