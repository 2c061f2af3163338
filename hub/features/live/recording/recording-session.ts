// A lesson's recording on the hub's disk (HUB_DATA_DIR/recordings/<lesson>/): its segments (one per stretch with the
// same things on air, each an ffmpeg run) and whether it became a pack. Kept in session.json, written atomically after
// every change, so a hub restarted mid-lesson carries on with the same recording and one stopped after the lesson
// finishes the pack at its next start.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { Id, IsoDateTime } from '../../../../src/shared/protocol.ts';

const Format = z.object({ width: z.number().int().min(16).max(7680), height: z.number().int().min(16).max(4320), fps: z.number().int().min(1).max(60) });

export const SessionSegment = z.object({
  /** Folder name inside the lesson's folder: seg-001, seg-002, … */
  dir: z.string().regex(/^seg-\d{3,6}$/),
  startedAt: IsoDateTime,
  /** null while recording, or when the hub stopped before it could note the end (the files say how long). */
  endedAt: IsoDateTime.nullable(),
  sources: z.object({ camera: z.boolean(), courseware: z.boolean(), audio: z.boolean() }),
  error: z.string().max(4000).nullable(),
  /** The recording ffmpeg's pid while it runs (null once stopped; absent in files from before it was kept). */
  pid: z.number().int().positive().nullable().optional(),
});
export type SessionSegment = z.infer<typeof SessionSegment>;

export const RecordingSession = z.object({
  lessonId: Id,
  /** The sizes every segment is recorded at (they must match to be joined). */
  format: z.object({ camera: Format, courseware: Format }),
  segments: z.array(SessionSegment).max(10_000),
  packId: Id.nullable(),
  finalizedAt: IsoDateTime.nullable(),
  /** How many of the segments the pack holds: more segments than that = a pack to (re)make. */
  finalizedSegments: z.number().int().min(0),
  /** The segments' files are deleted (long after the lesson): the pack is all there is. */
  pruned: z.boolean(),
  error: z.string().max(4000).nullable(),
});
export type RecordingSession = z.infer<typeof RecordingSession>;

export const SESSION_FILE = 'session.json';

/** The session in `dir`, or null if there is none (or it cannot be read: logged by the caller, never fatal). */
export async function readSession(dir: string): Promise<RecordingSession | null> {
  const text = await readFile(join(dir, SESSION_FILE), 'utf8').catch(() => null);
  if (text === null) return null;
  return RecordingSession.parse(JSON.parse(text));
}

export async function writeSession(dir: string, session: RecordingSession): Promise<void> {
  const file = join(dir, SESSION_FILE);
  await writeFile(`${file}.tmp`, JSON.stringify(RecordingSession.parse(session), null, 1));
  await rename(`${file}.tmp`, file);
}

export const segmentDirName = (n: number) => `seg-${String(n).padStart(3, '0')}`;
