// A lesson's recording becomes its pack: the segments' Matroska files are joined without re-encoding (they were all
// recorded with the same H.264/AAC settings) into camera.mp4 (camera + sound) and, if the lesson showed courseware,
// courseware.mp4 (a plain card fills stretches without it, so both files share one timeline), plus recording.json (when
// each stretch went on air). Then the ordinary ingest stores it chunked and hashed, attached to the lesson, so every
// classroom of the lesson downloads it like any pack.
import { execFile } from 'node:child_process';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { PackManifest } from '../../../../src/shared/content-protocol.ts';
import { RECORDING_INDEX_FILE, RecordingIndex } from '../../../../src/shared/recording-index.ts';
import { ingestFolder } from '../../content/ingest.ts';
import type { PackSigner } from '../../../core/signing/pack-signing.ts';
import type { HubDatabase } from '../../../core/db/open-database.ts';
import { derivedId } from '../../../core/derived-id.ts';
import { FILLER_COLOR, h264Args } from './recording-segment.ts';
import type { RecordingSession } from './recording-session.ts';

const run = promisify(execFile);
/** Shorter stretches (a console that reconnected at once) hold no picture worth keeping. */
const MIN_SEGMENT_S = 0.5;

export type FinalizeOptions = {
  db: HubDatabase;
  lessonDir: string;
  session: RecordingSession;
  contentDir: string;
  /** The hub's pack-signing key: classrooms accept only packs it signed. */
  packSigner: PackSigner;
  now: Date;
  ffmpegPath?: string;
  log?: (line: string) => void;
};

async function ffmpeg(path: string | undefined, args: string[]) {
  try {
    await run(path ?? 'ffmpeg', ['-hide_banner', '-v', 'error', '-y', ...args], { maxBuffer: 8 * 1024 * 1024 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`ffmpeg: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
}

const Duration = z.object({ format: z.object({ duration: z.coerce.number() }) });

/** Seconds of media in a file, or 0 when it is missing or unreadable (a segment that never got going). */
async function durationOf(file: string): Promise<number> {
  if (!(await stat(file).catch(() => null))) return 0;
  try {
    const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', file]);
    const parsed = Duration.safeParse(JSON.parse(stdout));
    return parsed.success && Number.isFinite(parsed.data.format.duration) ? parsed.data.format.duration : 0;
  } catch {
    return 0;
  }
}

export const recordingPackId = (lessonId: string) => derivedId('rec', lessonId);

async function concat(ffmpegPath: string | undefined, files: string[], listFile: string, target: string, map: string[]) {
  await writeFile(listFile, files.map((f) => `file '${f.replace(/'/g, "'\\''")}'`).join('\n') + '\n');
  await ffmpeg(ffmpegPath, ['-f', 'concat', '-safe', '0', '-i', listFile, ...map, '-c', 'copy', '-movflags', '+faststart', target]);
}

export async function finalizeRecording(options: FinalizeOptions): Promise<PackManifest> {
  const { session, lessonDir } = options;
  const log = options.log ?? (() => undefined);
  const usable: { dir: string; startedAt: string; duration: number; courseware: string | null }[] = [];
  for (const segment of session.segments) {
    const dir = join(lessonDir, segment.dir);
    const duration = await durationOf(join(dir, 'camera.mkv'));
    if (duration < MIN_SEGMENT_S) {
      log(`recording ${session.lessonId}: ${segment.dir} skipped (${duration.toFixed(1)} s)`);
      continue;
    }
    const courseware = (await durationOf(join(dir, 'courseware.mkv'))) > 0 ? join(dir, 'courseware.mkv') : null;
    usable.push({ dir, startedAt: segment.startedAt, duration, courseware });
  }
  if (usable.length === 0) throw new Error(`nothing was recorded for lesson ${session.lessonId}`);

  const out = join(lessonDir, 'pack');
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  try {
    await concat(options.ffmpegPath, usable.map((u) => join(u.dir, 'camera.mkv')), join(lessonDir, 'camera.txt'), join(out, 'camera.mp4'), ['-map', '0:v', '-map', '0:a']);
    const withCourseware = usable.some((u) => u.courseware);
    if (withCourseware) {
      const { width, height, fps } = session.format.courseware;
      const parts: string[] = [];
      for (const u of usable) {
        let file = u.courseware;
        if (!file) {
          file = join(u.dir, 'courseware-filler.mkv');
          const card = `color=c=${FILLER_COLOR}:s=${width}x${height}:r=${fps}`;
          await ffmpeg(options.ffmpegPath, ['-f', 'lavfi', '-i', card, '-t', u.duration.toFixed(3), '-vf', 'format=yuv420p', ...h264Args(session.format.courseware), '-f', 'matroska', file]);
        }
        parts.push(file);
      }
      await concat(options.ffmpegPath, parts, join(lessonDir, 'courseware.txt'), join(out, 'courseware.mp4'), ['-map', '0:v']);
    }
    let at = 0;
    const index = RecordingIndex.parse({
      version: 1,
      lessonId: session.lessonId,
      camera: 'camera.mp4',
      courseware: withCourseware ? 'courseware.mp4' : null,
      segments: usable.map((u) => {
        const segment = { startedAt: u.startedAt, at: Math.round(at * 1000) / 1000, duration: Math.round(u.duration * 1000) / 1000 };
        at += u.duration;
        return segment;
      }),
    });
    await writeFile(join(out, RECORDING_INDEX_FILE), JSON.stringify(index, null, 1));
    const lesson = await options.db.get<{ title: string }>(`SELECT title FROM lessons WHERE id = ?`, [session.lessonId]);
    const manifest = await ingestFolder(options.db, out, {
      contentDir: options.contentDir,
      signer: options.packSigner,
      kind: 'recording',
      packId: recordingPackId(session.lessonId),
      title: `${lesson?.title ?? session.lessonId}（录播）`.slice(0, 200),
      lessonIds: lesson ? [session.lessonId] : [],
      now: options.now,
      log,
    });
    log(`recording ${session.lessonId}: pack ${manifest.id}, ${at.toFixed(0)} s in ${usable.length} stretch(es)${withCourseware ? ', with courseware' : ''}`);
    return manifest;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
