// `npm start` shows one live lesson on air: a junior-high maths lesson for both 昭觉 classes, re-timed to "now" at every
// hub start (so a demo days later still has it on today's timetable) and fed by the headless broadcaster.
import { backoffMs, noJitter } from '../../../../src/shared/backoff.ts';
import type { HubDatabase } from '../../../core/db/open-database.ts';
import { putLesson } from '../../timetable/timetable-repo.ts';
import { valueOrThrow } from '../../../core/http/hub-error.ts';
import { defaultIngestRequest, startFfmpegBroadcast, type FfmpegBroadcast } from './ffmpeg-broadcaster.ts';
import type { LiveSfu } from '../sfu/live-sfu.ts';
import { hostTimers, type Timers } from '../../../../src/shared/timers.ts';

export const DEMO_LIVE_LESSON_ID = 'les-live-demo';
export const DEMO_LIVE_TITLE = '直播：有理数的乘法';

export async function ensureDemoLiveLesson(db: HubDatabase, now: Date) {
  if (!(await db.get(`SELECT 1 FROM courses WHERE id = 'crs-math-7'`))) return false; // not the demo alliance
  const startsAt = new Date(now.getTime() - 10 * 60_000);
  const endsAt = new Date(now.getTime() + 3 * 3_600_000);
  valueOrThrow(await putLesson(
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
  ));
  return true;
}

export type DemoBroadcast = { stop(): Promise<void> };

export type DemoBroadcastOptions = {
  /** Slides as a second source next to the test pattern (the demo of a lead teacher's PPT). */
  courseware?: boolean;
  lessonId?: string;
  log?: (line: string) => void;
  /** The first restart's pause; each quick failure in a row doubles it, up to maxRestartAfterMs. */
  restartAfterMs?: number;
  maxRestartAfterMs?: number;
  ffmpegPath?: string;
  timers?: Timers;
  now?: () => number;
};

/** A broadcast that ran this long before it stopped was working: the next restart is quick again. */
const HEALTHY_RUN_MS = 30_000;

/**
 * The demo lesson's broadcast, kept on air: if ffmpeg dies the lesson goes off air (viewers see 主讲教室尚未开始) and
 * the broadcast is started again after a pause, as a lead school's operator would; if the lesson is made again (its SFU
 * worker died) the broadcast moves to the new room at once, as `npm run broadcast`'s lease does.
 */
export async function startDemoBroadcast(sfu: LiveSfu, options: DemoBroadcastOptions = {}): Promise<DemoBroadcast> {
  const { log = () => undefined, restartAfterMs = 2_000, maxRestartAfterMs = 60_000, timers = hostTimers, now = Date.now } = options;
  const lessonId = options.lessonId ?? DEMO_LIVE_LESSON_ID;
  let room = await sfu.room(lessonId);
  let current: FfmpegBroadcast | null = null;
  let stopped = false;
  let timer: unknown = null;
  let failuresInRow = 0;
  let lastSaid = '';
  const start = async () => {
    const request = defaultIngestRequest({ courseware: options.courseware ?? false });
    const target = await room.openIngest(request);
    const broadcast = await startFfmpegBroadcast({ request, target, ...(options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {}) });
    const startedAt = now();
    current = broadcast;
    void broadcast.exited.then(async (code) => {
      if (current !== broadcast) return;
      current = null;
      await room.closeIngest();
      if (stopped) return;
      // A broadcast failing at once (ffmpeg broken or gone) is retried less and less often, and said once, not every 2 s.
      failuresInRow = now() - startedAt >= HEALTHY_RUN_MS ? 1 : failuresInRow + 1;
      const pause = backoffMs(failuresInRow, noJitter, { minMs: restartAfterMs, maxMs: maxRestartAfterMs });
      const why = `ffmpeg exit ${String(code)}: ${broadcast.output().trim().slice(-200)}`;
      if (why !== lastSaid) log(`hub: demo broadcast stopped (${why}); on air again in ${pause / 1000} s${failuresInRow > 1 ? ', then less often while it keeps failing' : ''}`);
      lastSaid = why;
      timer = timers.setTimeout(() => void start().catch((e: unknown) => log(`hub: demo broadcast failed to start: ${String(e)}`)), pause);
    });
  };
  sfu.onRoom((made) => {
    if (made.lessonId !== lessonId || made === room || stopped) return;
    room = made;
    const old = current;
    current = null;
    timers.clearTimeout(timer);
    void (async () => {
      await old?.stop();
      await start();
      log('hub: demo broadcast moved to the lesson’s new SFU worker');
    })().catch((e: unknown) => log(`hub: demo broadcast failed to start: ${String(e)}`));
  });
  await start();
  return {
    async stop() {
      stopped = true;
      timers.clearTimeout(timer);
      const broadcast = current;
      current = null;
      await broadcast?.stop();
      await room.closeIngest();
    },
  };
}
