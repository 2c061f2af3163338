// Live lessons on the school edge: its own SFU (a mediasoup worker, a router per lesson) fed from the county hub, one
// feed per lesson while at least one classroom here watches it (kept a little after the last one leaves, so a
// classroom rejoining after a blip finds it warm). The feed's lease is renewed every few seconds and at once when the
// county says what is on air changed.
import type { LiveRoom } from '../live/live-room.ts';
import type { LiveSfu } from '../live/live-sfu.ts';
import { EdgeLessonFeed } from './edge-live-feed.ts';
import type { Upstream } from './upstream.ts';

export type EdgeLiveOptions = {
  sfu: LiveSfu;
  upstream: Upstream;
  /** The county hub's base URL: its host is where feeds are sent from when the county names no address. */
  upstreamBase: string;
  log: (line: string) => void;
  refreshEveryMs?: number;
  /** How long a feed stays after its last classroom left. */
  lingerMs?: number;
};

type Lesson = { feed: EdgeLessonFeed; watchers: number; ready: Promise<void>; timer: NodeJS.Timeout; linger: NodeJS.Timeout | null };

export function createEdgeLive(options: EdgeLiveOptions) {
  const lessons = new Map<string, Lesson>();
  const countyHost = new URL(options.upstreamBase).hostname.replace(/^\[|\]$/g, '');
  const refreshEveryMs = options.refreshEveryMs ?? 5_000;
  const lingerMs = options.lingerMs ?? 15_000;

  const refresh = (lessonId: string, lesson: Lesson) =>
    lesson.feed.refresh().catch((error: unknown) => options.log(`edge: live ${lessonId}: feed refresh failed: ${error instanceof Error ? error.message : String(error)}`));

  function drop(lessonId: string) {
    const lesson = lessons.get(lessonId);
    if (!lesson) return;
    lessons.delete(lessonId);
    clearInterval(lesson.timer);
    if (lesson.linger) clearTimeout(lesson.linger);
    void lesson.feed.close();
  }

  async function open(lessonId: string): Promise<Lesson> {
    const room: LiveRoom = await options.sfu.room(lessonId);
    const existing = lessons.get(lessonId);
    if (existing) return existing;
    const feed = new EdgeLessonFeed(room, options.upstream, countyHost, options.log);
    const lesson: Lesson = { feed, watchers: 0, ready: Promise.resolve(), timer: setInterval(() => void refresh(lessonId, lesson), refreshEveryMs), linger: null };
    lesson.timer.unref();
    // The first refresh is awaited by the joining classroom: it then gets the media in its join answer.
    lesson.ready = feed.refresh();
    lessons.set(lessonId, lesson);
    return lesson;
  }

  return {
    sfu: options.sfu,
    /** A classroom here joins a lesson: the lesson's room, fed from the county. `leave` when its socket ends. */
    async enter(lessonId: string) {
      const lesson = await open(lessonId);
      lesson.watchers++;
      if (lesson.linger) clearTimeout(lesson.linger);
      lesson.linger = null;
      let left = false;
      const leave = (peerId: string) => {
        if (left) return;
        left = true;
        lesson.feed.forget(peerId);
        if (--lesson.watchers > 0 || lessons.get(lessonId) !== lesson) return;
        lesson.linger = setTimeout(() => drop(lessonId), lingerMs);
        lesson.linger.unref();
      };
      try {
        await lesson.ready;
      } catch (error) {
        // The county did not give the feed: this classroom is told now (and goes to the county itself); the next one
        // to join here asks afresh.
        left = true;
        if (--lesson.watchers === 0) drop(lessonId);
        throw error;
      }
      return { room: lesson.feed.room, feed: lesson.feed, leave };
    },
    /** The county said what is on air changed (a classroom's county socket heard `onAir`): follow it now. */
    onAirChanged(lessonId: string) {
      const lesson = lessons.get(lessonId);
      if (lesson) void refresh(lessonId, lesson);
    },
    close() {
      for (const id of [...lessons.keys()]) drop(id);
    },
  };
}
export type EdgeLive = ReturnType<typeof createEdgeLive>;
