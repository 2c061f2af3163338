// `npm start` shows one live lesson on air: a junior-high maths lesson for both 昭觉 classes, re-timed to "now" at every
// hub start (so a demo days later still has it on today's timetable) and fed by the headless broadcaster.
import type { HubDatabase } from '../db/open-database.ts';
import { putLesson } from '../timetable/timetable-repo.ts';
import { defaultIngestRequest, startFfmpegBroadcast, type FfmpegBroadcast } from './ffmpeg-broadcaster.ts';
import type { LiveSfu } from './live-sfu.ts';

export const DEMO_LIVE_LESSON_ID = 'les-live-demo';
export const DEMO_LIVE_TITLE = '直播：有理数的乘法';

export function ensureDemoLiveLesson(db: HubDatabase, now: Date) {
  if (!db.prepare(`SELECT 1 FROM courses WHERE id = 'crs-math-7'`).get()) return false; // not the demo alliance
  const startsAt = new Date(now.getTime() - 10 * 60_000);
  const endsAt = new Date(now.getTime() + 3 * 3_600_000);
  putLesson(
    db,
    {
      id: DEMO_LIVE_LESSON_ID,
      courseId: 'crs-math-7',
      title: DEMO_LIVE_TITLE,
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
      mode: 'live',
      classroomIds: ['cls-zj-7-1', 'cls-zj-7-2'],
    },
    now,
  );
  return true;
}

/** courseware: slides as a second source next to the test pattern (the demo of a lead teacher's PPT). */
export async function startDemoBroadcast(sfu: LiveSfu, options: { courseware?: boolean; lessonId?: string } = {}): Promise<FfmpegBroadcast> {
  const room = await sfu.room(options.lessonId ?? DEMO_LIVE_LESSON_ID);
  const request = defaultIngestRequest({ courseware: options.courseware ?? false });
  const target = await room.openIngest(request);
  const broadcast = await startFfmpegBroadcast({ request, target });
  void broadcast.exited.then(() => room.closeIngest());
  return broadcast;
}
