// The index a live lesson's recording pack carries (`recording.json`): which file is the camera (with the sound) and
// which the courseware, and when each on-air stretch began by the hub's clock and where it starts in the files. With
// it a classroom that lost the live stream at 10:27 plays the recording from 10:27 (positionAt).
import { z } from 'zod';
import { SafeRelativePath } from './content-protocol.ts';
import { Id, IsoDateTime } from './protocol.ts';

export const RECORDING_INDEX_FILE = 'recording.json';

export const RecordingSegment = z.object({
  /** When this stretch went on air (hub clock). */
  startedAt: IsoDateTime,
  /** Where it begins in the files, seconds. */
  at: z.number().min(0).max(1e6),
  duration: z.number().min(0).max(1e6),
});
export type RecordingSegment = z.infer<typeof RecordingSegment>;

export const RecordingIndex = z.object({
  version: z.literal(1),
  lessonId: Id,
  /** H.264 + AAC: the teacher's camera and the lesson's sound; plays alone in any player. */
  camera: SafeRelativePath,
  /** H.264, same timeline as the camera: slides, board, document camera; null when the lesson had none. */
  courseware: SafeRelativePath.nullable(),
  segments: z.array(RecordingSegment).min(1).max(1000),
});
export type RecordingIndex = z.infer<typeof RecordingIndex>;

/**
 * Seconds into the recording that show what was on air at `wallClockMs` (hub clock): inside a stretch, the same moment;
 * in a gap between stretches (the broadcast was off), the start of the next; before the first, 0; after the last, its end.
 */
export function positionAt(index: RecordingIndex, wallClockMs: number): number {
  for (const s of index.segments) {
    const start = Date.parse(s.startedAt);
    if (wallClockMs < start) return s.at;
    if (wallClockMs < start + s.duration * 1000) return s.at + (wallClockMs - start) / 1000;
  }
  const last = index.segments.at(-1);
  return last ? last.at + last.duration : 0;
}
