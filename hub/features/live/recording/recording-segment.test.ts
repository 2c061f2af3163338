// A recording segment whose sources vanished (the broadcast stopped before the recorder heard of it) ends at once, on a
// real mediasoup worker and real ffmpeg: its RTP inputs went silent, and without an RTCP BYE on every stream ffmpeg
// sat ~10 s waiting for packets (a single SIGTERM does not interrupt that wait) before it closed its files.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../tests/support/ports.ts';
import { DEMO_LIVE_LESSON_ID, startDemoBroadcast } from '../broadcast/demo-live.ts';
import { createLiveSfu, liveUnavailableReason, type LiveSfu } from '../sfu/live-sfu.ts';
import { startSegment } from './recording-segment.ts';

const run = promisify(execFile);
const workerReason = liveUnavailableReason();
/** Well under the 10 s ffmpeg's RTP reader waits for packets: the stop did not wait for it. */
const PROMPT_MS = 4_000;
const FORMAT = { camera: { width: 320, height: 180, fps: 25 }, courseware: { width: 640, height: 360, fps: 5 } };

async function duration(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  return Number(stdout.trim());
}

describe.skipIf(workerReason !== null)(`recording segment on a real SFU and ffmpeg${workerReason ? ` (skipped: ${workerReason})` : ''}`, () => {
  let dir: string;
  let sfu: LiveSfu;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hub-seg-'));
    sfu = await createLiveSfu({ rtcPort: 0, listenIp: '127.0.0.1', announcedIp: '127.0.0.1' });
  });
  afterAll(() => {
    sfu?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops at once when its sources vanished, and its files are complete', async () => {
    const broadcast = await startDemoBroadcast(sfu, { courseware: true });
    const room = await sfu.room(DEMO_LIVE_LESSON_ID);
    await waitFor(() => Promise.resolve(room.producers().length >= 3 ? true : undefined), 'camera, slides and sound on air', 20_000);
    const segDir = join(dir, 'seg-001');
    const segment = await startSegment({ router: room.router, producers: room.producers(), dir: segDir, format: FORMAT, now: () => new Date() });
    const grown = (file: string, bytes: number) => async () => (((await stat(file).catch(() => null))?.size ?? 0) > bytes ? true : undefined);
    await waitFor(grown(join(segDir, 'camera.mkv'), 30_000), 'camera on disk', 30_000);
    await waitFor(grown(join(segDir, 'courseware.mkv'), 2_000), 'slides on disk', 30_000);

    await broadcast.stop(); // the sources vanish; the segment is still open
    await waitFor(() => Promise.resolve(room.producers().length === 0 ? true : undefined), 'nothing on air', 10_000);
    const asked = Date.now();
    const { error } = await segment.stop();
    expect(Date.now() - asked).toBeLessThan(PROMPT_MS);
    expect(error).toBeNull();
    // Closed properly: both files read to the end, with their duration.
    expect(await duration(join(segDir, 'camera.mkv'))).toBeGreaterThan(0.5);
    expect(await duration(join(segDir, 'courseware.mkv'))).toBeGreaterThan(0.5);
  }, 90_000);
});
