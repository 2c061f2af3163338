// Live lessons on the school edge: its own SFU (a mediasoup worker, a router per lesson) fed from the county hub, one
// feed per lesson while at least one classroom here watches it (kept a little after the last one leaves, so a
// classroom rejoining after a blip finds it warm). The feed's lease is renewed every few seconds and at once when the
// county says what is on air changed. A feed whose RTP never arrives sends the classrooms to the county (below).
import type { EdgeLiveStatus } from '../../../../src/shared/edge-protocol.ts';
import { LiveRefusal } from '../../live/signalling/live-refusal.ts';
import type { LiveRoom } from '../../live/sfu/live-room.ts';
import type { LiveSfu } from '../../live/sfu/live-sfu.ts';
import type { FeedSilence, FeedWatchTimers } from './edge-feed-watch.ts';
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
  /** No RTP this long after the county has something on air: the feed is silent (edge_feed_silent). */
  feedSilentMs?: number;
  /** RTP that came and then none for this long while the county is on air and receiving: silent too (default 15 s:
   *  three of the county's answers, each saying whether its sources still bring it anything). */
  feedStoppedMs?: number;
  /** While silent the edge sends classrooms to the county; it offers live again after this long. */
  silentRetryMs?: number;
  now?: () => number;
  /** The silence watch's timers (default: the global ones); tests pass fake ones. */
  timers?: FeedWatchTimers;
};

type Lesson = {
  feed: EdgeLessonFeed;
  watchers: number;
  /** Watching classrooms, by id (a classroom with two PCs counts once per socket). */
  classrooms: Map<string, number>;
  /** Sockets to close when the feed is silent: their classrooms rejoin, and are sent to the county. */
  kicks: Set<() => void>;
  ready: Promise<void>;
  timer: NodeJS.Timeout;
  linger: NodeJS.Timeout | null;
};

export function createEdgeLive(options: EdgeLiveOptions) {
  const lessons = new Map<string, Lesson>();
  const countyHost = new URL(options.upstreamBase).hostname.replace(/^\[|\]$/g, '');
  const refreshEveryMs = options.refreshEveryMs ?? 5_000;
  const lingerMs = options.lingerMs ?? 15_000;
  const now = options.now ?? Date.now;
  const silentRetryMs = options.silentRetryMs ?? 5 * 60_000;
  let silent: { lessonId: string; kind: FeedSilence['kind']; since: number; waitedMs: number } | null = null;
  let silentEvents = 0;
  const silentNow = () => (silent && now() - silent.since < silentRetryMs ? silent : null);
  const timers: FeedWatchTimers = options.timers ?? { setInterval: (f, ms) => setInterval(f, ms).unref(), clearInterval: (h) => clearInterval(h as NodeJS.Timeout) };

  function onSilent(lessonId: string, { kind, waitedMs }: FeedSilence) {
    const lesson = lessons.get(lessonId);
    silent = { lessonId, kind, since: now(), waitedMs: Math.round(waitedMs) };
    silentEvents++;
    options.log(
      `edge: live ${lessonId}: edge_feed_silent: ${kind === 'stopped' ? `RTP from the county hub stopped mid-lesson, none for ${Math.round(waitedMs / 1000)} s while it is on air (a route or firewall change?)` : `no RTP from the county hub ${Math.round(waitedMs / 1000)} s after it went on air (its UDP does not reach this edge: a firewall?)`}; classrooms go to the county hub, live here again in ${Math.round(silentRetryMs / 60_000)} min`,
    );
    for (const kick of [...(lesson?.kicks ?? [])]) kick();
  }

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
    const feed = new EdgeLessonFeed(room, options.upstream, countyHost, options.log, {
      silentMs: options.feedSilentMs ?? 5_000,
      stoppedMs: options.feedStoppedMs ?? 15_000,
      checkEveryMs: 1_000,
      now,
      timers,
      onSilent: (silence) => onSilent(lessonId, silence),
    });
    const lesson: Lesson = {
      feed,
      watchers: 0,
      classrooms: new Map(),
      kicks: new Set(),
      ready: Promise.resolve(),
      timer: setInterval(() => void refresh(lessonId, lesson), refreshEveryMs),
      linger: null,
    };
    lesson.timer.unref();
    // The first refresh is awaited by the joining classroom: it then gets the media in its join answer.
    lesson.ready = feed.refresh();
    lessons.set(lessonId, lesson);
    return lesson;
  }

  return {
    sfu: options.sfu,
    /**
     * A classroom here joins a lesson: the lesson's room, fed from the county. `leave` when its socket ends; `kick`
     * closes its socket when the feed turns out silent. Refused (`edge_feed_silent`) while a feed is silent.
     */
    async enter(lessonId: string, classroomId: string, kick: () => void) {
      const quiet = silentNow();
      if (quiet) throw new LiveRefusal('edge_feed_silent', `no RTP from the county hub reaches this edge (lesson ${quiet.lessonId}): join the county hub`);
      const lesson = await open(lessonId);
      lesson.watchers++;
      lesson.classrooms.set(classroomId, (lesson.classrooms.get(classroomId) ?? 0) + 1);
      lesson.kicks.add(kick);
      const uncount = () => {
        lesson.kicks.delete(kick);
        const n = (lesson.classrooms.get(classroomId) ?? 1) - 1;
        if (n > 0) lesson.classrooms.set(classroomId, n);
        else lesson.classrooms.delete(classroomId);
      };
      if (lesson.linger) clearTimeout(lesson.linger);
      lesson.linger = null;
      let left = false;
      const leave = (peerId: string) => {
        if (left) return;
        left = true;
        uncount();
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
        uncount();
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
    /** The feed's silence while the edge sends classrooms to the county (the health's `live` is false meanwhile). */
    silent: () => silentNow(),
    async status(): Promise<EdgeLiveStatus> {
      const quiet = silentNow();
      const feeds = await Promise.all(
        [...lessons].map(async ([lessonId, lesson]) => ({ lessonId, classrooms: [...lesson.classrooms.keys()].sort(), watchers: lesson.watchers, ...(await lesson.feed.status()) })),
      );
      return {
        feeds,
        silent: quiet ? { lessonId: quiet.lessonId, kind: quiet.kind, since: new Date(quiet.since).toISOString(), waitedMs: quiet.waitedMs, retryAt: new Date(quiet.since + silentRetryMs).toISOString() } : null,
        silentEvents,
      };
    },
    close() {
      for (const id of [...lessons.keys()]) drop(id);
    },
  };
}
export type EdgeLive = ReturnType<typeof createEdgeLive>;
