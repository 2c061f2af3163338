// Demo content for `npm start` and the tests, generated at first start with ffmpeg (a 24 s H.264/AAC lesson with a
// running counter and a tone, an image) plus a hand-written PDF, then ingested and attached to the demo lessons. Sources
// and store are cached in the data directory, so later starts cost nothing.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { HubDatabase } from '../db/open-database.ts';
import { attachPack } from '../content/content-repo.ts';
import { ingestFolder } from '../content/ingest.ts';
import type { PackSigner } from '../content/pack-signing.ts';
import { handoutPdf } from './demo-pdf.ts';

const run = promisify(execFile);
export const DEMO_RECORDING_PACK = 'pack-demo-recording';
export const DEMO_PREVIEW_PACK = 'pack-demo-preview';
export const DEMO_VIDEO_SECONDS = 24;

async function generateSources(dir: string) {
  const recording = join(dir, 'recording');
  const preview = join(dir, 'preview');
  await mkdir(recording, { recursive: true });
  await mkdir(preview, { recursive: true });
  const video = join(recording, '课堂录像.mp4');
  if (!existsSync(video)) {
    // testsrc draws a running seconds counter, so a seek is visible; -g 50 keeps seeks cheap (a keyframe every 2 s).
    const d = String(DEMO_VIDEO_SECONDS);
    await run('ffmpeg', [
      '-y', '-v', 'error',
      '-f', 'lavfi', '-i', `testsrc=size=640x360:rate=25:duration=${d}`,
      '-f', 'lavfi', '-i', `sine=frequency=440:beep_factor=4:duration=${d}`,
      '-c:v', 'libx264', // ultrafast + low CRF: ~3 s to make, and a realistic ~1.6 MB (a test pattern would otherwise compress to nothing)
      '-preset', 'ultrafast', '-crf', '16', '-g', '50', '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart', `${video}.tmp.mp4`,
    ]);
    await rename(`${video}.tmp.mp4`, video);
  }
  const image = join(preview, '示意图.png');
  if (!existsSync(image)) await run('ffmpeg', ['-y', '-v', 'error', '-f', 'lavfi', '-i', 'smptebars=size=800x450', '-frames:v', '1', image]);
  const pdf = join(preview, '讲义.pdf');
  if (!existsSync(pdf)) {
    await writeFile(pdf, handoutPdf(['Lesson handout', 'Fractions: 1/2 + 1/3 = 5/6', 'Read pages 12-15 before class.', 'Bring your exercise book.']));
  }
  return { recording, preview };
}

/** Generates, ingests and attaches the demo packs once. Returns false when they were already there. */
export async function ensureDemoContent(db: HubDatabase, dataDir: string, contentDir: string, now: Date, signer: PackSigner): Promise<boolean> {
  const have = db.prepare(`SELECT count(*) AS n FROM packs WHERE id IN (?, ?)`).get(DEMO_RECORDING_PACK, DEMO_PREVIEW_PACK) as { n: number };
  if (have.n === 2) return false;
  await mkdir(contentDir, { recursive: true });
  const sources = await generateSources(join(dataDir, 'demo-src'));
  await ingestFolder(db, sources.recording, { contentDir, signer, now, packId: DEMO_RECORDING_PACK, kind: 'recording', title: '课堂录像' });
  await ingestFolder(db, sources.preview, { contentDir, signer, now, packId: DEMO_PREVIEW_PACK, kind: 'preview', title: '预习包' });
  const lessons = db.prepare(`SELECT id, mode FROM lessons ORDER BY starts_at`).all() as { id: string; mode: string }[];
  // Every recorded lesson gets the recording and every lesson the 预习包: one download serves the whole demo timetable.
  attachPack(db, DEMO_RECORDING_PACK, lessons.filter((l) => l.mode === 'recorded').map((l) => l.id));
  attachPack(db, DEMO_PREVIEW_PACK, lessons.map((l) => l.id));
  return true;
}
