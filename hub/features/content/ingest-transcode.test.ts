// Ingest with real ffmpeg/ffprobe: a video a classroom PC cannot play (MPEG-4 Part 2 + MP3 in AVI, the kind an old
// camcorder or screen recorder produces) is transcoded to H.264/AAC MP4 before it is stored; the manifest says so.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../core/db/open-database.ts';
import { blobPath } from './content-store.ts';
import { ingestFolder } from './ingest.ts';
import { ephemeralPackSigner } from '../../core/signing/pack-signing.ts';
import { playabilityOf, probeMedia } from './media-check.ts';

const dir = mkdtempSync(join(tmpdir(), 'hub-ingest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ingest transcodes what classroom PCs cannot play', () => {
  it.each([
    ['an MPEG-4/MP3 AVI (old camcorder)', 'old-camera.avi', ['-c:v', 'mpeg4', '-c:a', 'libmp3lame'], 'old-camera.mp4'],
    ['an HEVC/AAC MP4 (phone recording)', 'phone.mp4', ['-c:v', 'libx265', '-x265-params', 'log-level=error', '-tag:v', 'hvc1', '-c:a', 'aac'], 'phone.mp4'],
  ])('turns %s into a playable H.264/AAC MP4', async (_name, source, codecArgs, storedName) => {
    const folder = join(dir, source);
    mkdirSync(folder, { recursive: true });
    execFileSync('ffmpeg', ['-y', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:duration=1', '-f', 'lavfi', '-i', 'sine=duration=1', ...codecArgs, join(folder, source)]);
    expect(playabilityOf(await probeMedia(join(folder, source))).playable).toBe(false);

    const db = openDatabase(join(dir, `${source}.sqlite`));
    const contentDir = join(dir, 'content');
    const lines: string[] = [];
    const manifest = await ingestFolder(db, folder, { contentDir, signer: ephemeralPackSigner(), now: new Date(), log: (l) => lines.push(l) });
    await db.close();

    const [file] = manifest.files;
    expect(file).toMatchObject({ path: storedName, mime: 'video/mp4' });
    const stored = await probeMedia(blobPath(contentDir, file?.sha256 ?? ''));
    expect(stored.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(playabilityOf(stored).playable).toBe(true);
    expect(lines.join('\n')).toMatch(/transcoding to H\.264\/AAC/);
  });
});
