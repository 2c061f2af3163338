// Demo content for `npm start` and the tests, generated at first start and cached in the data directory: a 24 s
// H.264/AAC lesson recording (ffmpeg test pattern with a running counter, so a seek is visible) for the recorded
// lessons, and a 预习包 per subject — a Chinese handout PDF (demo-pdf.ts; Noto Sans CJK subset embedded) and, for
// 数学, a diagram — attached only to that subject's lessons.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { HubDatabase } from '../../core/db/open-database.ts';
import { attachPack } from '../content/content-repo.ts';
import { ingestFolder } from '../content/ingest.ts';
import type { PackSigner } from '../../core/signing/pack-signing.ts';
import { demoHandouts } from './demo-handouts.ts';
import { findCjkFont, handoutPdf, type CjkFont } from './demo-pdf.ts';

const run = promisify(execFile);
export const DEMO_RECORDING_PACK = 'pack-demo-recording';
export const DEMO_VIDEO_SECONDS = 24;
/** The preview pack of a subject (ids stay ASCII: they travel in URLs and file names). */
const subjectSlugs: Record<string, string> = { 数学: 'math', 语文: 'chinese', 英语: 'english', 生物: 'biology', 历史: 'history', 科学: 'science' };
export const demoPreviewPackId = (subject: string) => `pack-demo-preview-${subjectSlugs[subject] ?? 'other'}`;
/** Before per-subject packs, one English handout pack went to every lesson; a data directory from then loses it. */
const OLD_PREVIEW_PACK = 'pack-demo-preview';

async function makeRecording(dir: string) {
  await mkdir(dir, { recursive: true });
  const video = join(dir, '课堂录像.mp4');
  if (existsSync(video)) return;
  const d = String(DEMO_VIDEO_SECONDS);
  await run('ffmpeg', [
    '-y', '-v', 'error',
    '-f', 'lavfi', '-i', `testsrc=size=640x360:rate=25:duration=${d}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:beep_factor=4:duration=${d}`,
    '-c:v', 'libx264', // ultrafast + low CRF: ~3 s to make, and a realistic ~1.6 MB (a test pattern would otherwise compress to nothing)
    '-preset', 'ultrafast', '-crf', '16', '-g', '50', '-pix_fmt', 'yuv420p', // -g 50: a keyframe every 2 s, cheap seeks
    '-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart', `${video}.tmp.mp4`,
  ]);
  await rename(`${video}.tmp.mp4`, video);
}

async function makePreview(dir: string, subject: string, font: CjkFont | null, ffmpeg: boolean) {
  await mkdir(dir, { recursive: true });
  const handout = demoHandouts[subject];
  const pdf = join(dir, '讲义.pdf');
  if (handout && font && !existsSync(pdf)) await writeFile(pdf, await handoutPdf(handout, font));
  const image = join(dir, '示意图.png');
  if (subject === '数学' && ffmpeg && !existsSync(image)) await run('ffmpeg', ['-y', '-v', 'error', '-f', 'lavfi', '-i', 'smptebars=size=800x450', '-frames:v', '1', image]);
  return existsSync(pdf) || existsSync(image);
}

/** Generates, ingests (signed) and attaches the demo packs once. Returns false when they were already there. */
export async function ensureDemoContent(
  db: HubDatabase,
  dataDir: string,
  contentDir: string,
  now: Date,
  signer: PackSigner,
  { font = findCjkFont(), warn = () => undefined, ffmpeg = true }: { font?: CjkFont | null; warn?: (message: string) => void; ffmpeg?: boolean } = {},
): Promise<boolean> {
  const lessons = await db.all<{ id: string; mode: string; subject: string }>(`SELECT l.id, l.mode, c.subject FROM lessons l JOIN courses c ON c.id = l.course_id ORDER BY l.starts_at`);
  const subjects = [...new Set(lessons.map((l) => l.subject))].filter((s) => demoHandouts[s]);
  const wanted = [DEMO_RECORDING_PACK, ...subjects.map(demoPreviewPackId)];
  const have = new Set((await db.all<{ id: string }>(`SELECT id FROM packs`)).map((r) => r.id));
  if (wanted.every((id) => have.has(id))) return false;
  // Without a CJK font the handouts cannot carry their text; the recording and the diagram are still made.
  if (!font) warn('hub: demo handouts skipped: no Noto Sans CJK font (apt-get install fonts-noto-cjk, or set HUB_DEMO_FONT)');
  await mkdir(contentDir, { recursive: true });
  const sources = join(dataDir, 'demo-src');

  // Without ffmpeg (the hub said why, once) no video and no diagram: the handouts are still made, and the rest at the
  // first start with ffmpeg.
  if (!have.has(DEMO_RECORDING_PACK) && ffmpeg) {
    await makeRecording(join(sources, 'recording'));
    await ingestFolder(db, join(sources, 'recording'), { contentDir, signer, now, packId: DEMO_RECORDING_PACK, kind: 'recording', title: '课堂录像（演示）' });
  }
  if (ffmpeg || have.has(DEMO_RECORDING_PACK)) await attachPack(db, DEMO_RECORDING_PACK, lessons.filter((l) => l.mode === 'recorded').map((l) => l.id));
  for (const subject of subjects) {
    const packId = demoPreviewPackId(subject);
    const folder = join(sources, `preview-${subjectSlugs[subject] ?? 'other'}`);
    if (!have.has(packId)) {
      if (!(await makePreview(folder, subject, font, ffmpeg))) continue;
      await ingestFolder(db, folder, { contentDir, signer, now, packId, kind: 'preview', title: `${subject}预习包` });
    }
    await attachPack(db, packId, lessons.filter((l) => l.subject === subject).map((l) => l.id));
  }
  await db.run(`DELETE FROM lesson_packs WHERE pack_id = ?`, [OLD_PREVIEW_PACK]);
  return true;
}
