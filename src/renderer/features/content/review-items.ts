// What 复习 lists for students, as a pure rule: lessons that have happened (and have something cached to look at) or
// that have a cached recording; the lessons already taught first, newest first; anything still ahead (a recording
// sent early) after them, soonest first. Next week's untaught lessons with only a 预习包 never show.
import type { Lesson } from '../../../shared/protocol.ts';

export type ReviewCandidate = { lesson: Lesson; cachedRecording: boolean; cachedAnything: boolean };

export function reviewOrder<T extends ReviewCandidate>(candidates: T[], now: Date): T[] {
  const started = (c: T) => Date.parse(c.lesson.startsAt) <= now.getTime();
  const shown = candidates.filter((c) => c.cachedAnything && (started(c) || c.cachedRecording));
  const taught = shown.filter(started).sort((a, b) => Date.parse(b.lesson.startsAt) - Date.parse(a.lesson.startsAt));
  const ahead = shown.filter((c) => !started(c)).sort((a, b) => Date.parse(a.lesson.startsAt) - Date.parse(b.lesson.startsAt));
  return [...taught, ...ahead];
}
