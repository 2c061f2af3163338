// Guard for a live feed whose RTP never arrives: the county's signalling answers (HTTP works) but its UDP is dropped on
// the way (a county firewall, a school router that lets no UDP in). The classrooms would join the edge and see black;
// instead, once the county has had something on air for `silentMs` and none of it reached the edge's producers, the
// feed is declared silent and the edge sends its classrooms to the county hub (edge-live.ts). Pure timing, injected
// clock and timers, so the rule has a unit test.

export type FeedWatchTimers = {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
};

export type FeedWatchOptions = {
  /** RTP bytes the feed's producers received so far; null while the county has nothing on air (nothing to expect). */
  bytes: () => Promise<number | null>;
  silentMs: number;
  checkEveryMs: number;
  now: () => number;
  timers: FeedWatchTimers;
  /** Called once, with how long the edge waited; the watch then stops. */
  onSilent: (waitedMs: number) => void;
  /** A failed look (the producers closed under it) is logged and looked at again on the next tick. */
  log: (line: string) => void;
};

/** Watches until RTP has arrived once (then the feed is known to work) or it is declared silent; returns a stop. */
export function watchFeedArrives(options: FeedWatchOptions): () => void {
  let expectingSince: number | null = null;
  let stopped = false;
  let looking = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    options.timers.clearInterval(handle);
  };
  const check = async () => {
    const bytes = await options.bytes();
    if (stopped) return;
    if (bytes === null) {
      expectingSince = null; // off air: the wait starts again when something is on air
      return;
    }
    if (bytes > 0) return stop();
    expectingSince ??= options.now();
    const waited = options.now() - expectingSince;
    if (waited < options.silentMs) return;
    stop();
    options.onSilent(waited);
  };
  const handle = options.timers.setInterval(() => {
    if (looking || stopped) return;
    looking = true;
    check()
      .catch((error: unknown) => options.log(`edge: live feed watch: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => (looking = false));
  }, options.checkEveryMs);
  return stop;
}
