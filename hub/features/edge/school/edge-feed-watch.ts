// Guard for a live feed whose RTP does not come: the county's signalling answers (HTTP works) but its UDP is dropped on
// the way (a county firewall, a school router that lets no UDP in), or it stops mid-lesson (a route or firewall change,
// a NAT mapping lost). The classrooms would join the edge and see black, or sit on a frozen picture with nothing to
// repair (their own link to the edge is fine); instead, once the county has had something on air for `silentMs` and
// none of it reached the edge's producers — or it arrived and then nothing more for `stoppedMs` while still on air
// (the county sends even a muted microphone as silence frames, so on air always means RTP) — the feed is declared
// silent and the edge sends its classrooms to the county hub (edge-live.ts). Pure timing, injected clock and timers,
// so the rule has a unit test.

export type FeedWatchTimers = {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
};

/** `never_arrived`: on air and no RTP at all; `stopped`: RTP came, then none while still on air. */
export type FeedSilence = { kind: 'never_arrived' | 'stopped'; waitedMs: number };

export type FeedWatchOptions = {
  /** RTP bytes the feed's producers received so far; null while the county has nothing on air (nothing to expect). */
  bytes: () => Promise<number | null>;
  silentMs: number;
  /** RTP that arrived and then stopped this long while the county is on air: silent too (default 2 × silentMs). */
  stoppedMs?: number;
  checkEveryMs: number;
  now: () => number;
  timers: FeedWatchTimers;
  /** Called once, with what happened and how long the edge waited; the watch then stops. */
  onSilent: (silence: FeedSilence) => void;
  /** A failed look (the producers closed under it) is logged and looked at again on the next tick. */
  log: (line: string) => void;
};

/** Watches the feed for as long as it runs (until it is declared silent, or stopped); returns a stop. */
export function watchFeed(options: FeedWatchOptions): () => void {
  const stoppedMs = options.stoppedMs ?? options.silentMs * 2;
  /** While on air: the byte count last seen, when it last moved, and whether any RTP came in this stretch on air. */
  let seen: { bytes: number; since: number; arrived: boolean } | null = null;
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
      seen = null; // off air: nothing to expect; the wait starts again when something is on air
      return;
    }
    const at = options.now();
    // Any change is RTP moving (a producer replaced by the county starts its count again, lower).
    if (seen === null || bytes !== seen.bytes) {
      seen = { bytes, since: at, arrived: (seen?.arrived ?? false) || bytes > 0 };
      return;
    }
    const waited = at - seen.since;
    if (waited < (seen.arrived ? stoppedMs : options.silentMs)) return;
    stop();
    options.onSilent({ kind: seen.arrived ? 'stopped' : 'never_arrived', waitedMs: waited });
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
