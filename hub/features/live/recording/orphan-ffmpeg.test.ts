// A hub killed mid-lesson (SIGKILL, and its ffmpeg watchdog with it: the OOM killer, a `kill -9` of its children) left
// its recording ffmpeg running forever, holding the segment. The next hub, a real process on the same data folder,
// ends it before it serves, and the lesson's pack (after 下课) holds what the first hub recorded before it was killed.
import { readFileSync, readdirSync, readlinkSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PackManifest } from '../../../../src/shared/content-protocol.ts';
import { RecordingIndex } from '../../../../src/shared/recording-index.ts';
import { blobPath } from '../../content/content-store.ts';
import { openDatabase } from '../../../core/db/open-database.ts';
import { startHubProcess } from '../../../../tests/support/hub-process.ts';
import { freePort, waitFor } from '../../../../tests/support/ports.ts';
import { DEMO_LIVE_LESSON_ID } from '../broadcast/demo-live.ts';
import { liveUnavailableReason } from '../sfu/live-sfu.ts';
import { recordingUnavailableReason } from './start-recorder.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'hub-orphan-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const ADMIN = 'admin-secret-for-orphan-tests-0123456789';
const reason = liveUnavailableReason() ?? recordingUnavailableReason();

/** Processes working in `folder` (the recording ffmpeg runs in its segment's folder). */
function workingIn(folder: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readlinkSync(`/proc/${p}/cwd`) === folder && readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'ffmpeg';
      } catch {
        return false;
      }
    })
    .map(Number);
}
const parentOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
};
const alive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] !== 'Z';
  } catch {
    return false;
  }
};
const sizeOf = (file: string) => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

describe.skipIf(reason !== null)(`a recording ffmpeg left by a killed hub${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('is ended by the next hub, and the recording keeps what it wrote', async () => {
    const lessonDir = join(dataDir, 'recordings', DEMO_LIVE_LESSON_ID);
    const seg1 = join(lessonDir, 'seg-001');
    const hub = await startHubProcess({
      port: await freePort(),
      dataDir,
      adminToken: ADMIN,
      // Small frames would need a format option the process does not have: the default sizes, one worker.
      extraEnv: { HUB_DEMO_BROADCAST: '1', HUB_RTC_PORT: String(await freePort()), HUB_SFU_WORKERS: '1', HUB_RECORD_END_GRACE_S: '600' },
    });
    try {
      await waitFor(async () => (sizeOf(join(seg1, 'camera.mkv')) > 100_000 ? true : undefined), 'seg-001 recording', 90_000);
      const [orphan] = workingIn(seg1);
      if (orphan === undefined) throw new Error('no recording ffmpeg');
      const watchdog = parentOf(orphan);
      process.kill(watchdog, 'SIGKILL');
      await hub.stop(); // SIGKILL
      const written = sizeOf(join(seg1, 'camera.mkv'));
      expect(alive(orphan)).toBe(true); // the defect: nobody ends it

      await hub.start();
      expect(alive(orphan)).toBe(false);
      // Ended as a normal stop ends it (an RTCP BYE closes its input): its files are finished, not cut.
      expect(hub.output()).toContain(`ended the ffmpeg (pid ${orphan}, by bye)`);
      expect(sizeOf(join(seg1, 'camera.mkv'))).toBeGreaterThanOrEqual(written);

      // The demo broadcast is on air again (seg-002); 下课 makes the pack of both stretches.
      await waitFor(async () => (sizeOf(join(lessonDir, 'seg-002', 'camera.mkv')) > 50_000 ? true : undefined), 'seg-002 recording', 90_000);
      const admin = { authorization: `Bearer ${ADMIN}` };
      expect((await fetch(`${hub.url}/v1/admin/live/${DEMO_LIVE_LESSON_ID}/end`, { method: 'POST', headers: admin })).status).toBe(202);
      const packId = await waitFor(async () => {
        const status = (await (await fetch(`${hub.url}/v1/admin/live/${DEMO_LIVE_LESSON_ID}/recording`, { headers: admin })).json()) as { state: string; packId: string | null; error: string | null };
        if (status.state === 'failed') throw new Error(status.error ?? 'failed');
        return status.state === 'ready' ? status.packId : undefined;
      }, 'recording pack', 120_000);
      const db = openDatabase(join(dataDir, 'hub.sqlite'));
      const row = db.raw.prepare(`SELECT manifest FROM packs WHERE id = ?`).get(packId) as { manifest: string };
      await db.close();
      const manifest = PackManifest.parse(JSON.parse(row.manifest));
      const indexFile = manifest.files.find((f) => f.path === 'recording.json');
      if (!indexFile) throw new Error('no recording.json');
      const index = RecordingIndex.parse(JSON.parse(readFileSync(blobPath(join(dataDir, 'content'), indexFile.sha256), 'utf8')));
      expect(index.segments, hub.output().split('\n').filter((l) => l.includes('recording')).join('\n')).toHaveLength(2);
      expect(index.segments[0]?.duration).toBeGreaterThan(1); // the part recorded before the kill
    } finally {
      await hub.stop({ graceful: true });
    }
  }, 300_000);
});
