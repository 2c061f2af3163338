// How many byte ranges to keep in flight, found at run time by watching goodput: grow while goodput grows, go back
// when it does not. Why not a constant: the best number depends on the hub's congestion control and the link. A CUBIC
// sender on a lossy 300 ms link gets a few hundred kbit/s per connection, so the link needs about a dozen; a BBR sender
// fills it with fewer, and past that more connections only overflow the link's queue. Pure: the caller feeds it
// delivered bytes and the clock.
//
// Goodput over a few seconds of a lossy link is noisy (±10 %), so a step is kept only when it clearly pays (`gain`),
// the start climbs multiplicatively (one window per step matters on a short download), and the level it trusts is
// re-measured while it holds. Now and then it probes again, alternately one more and one fewer; fewer is kept only when
// it clearly pays too, so noise cannot walk the count down.

export type ControllerOptions = {
  min: number;
  max: number;
  initial: number;
  /** After a change, wait this long before measuring (new connections ramp up). */
  settleMs: number;
  /** Length of one goodput measurement. */
  windowMs: number;
  /** Relative goodput gain that makes a step worth keeping. */
  gain: number;
  /** Windows to hold the trusted level before probing again. */
  holdWindows: number;
};

/** 10: the connections content may hold (hub-client.ts CONTENT_POOL_SLOTS); more would only wait in the browser. */
export const defaultControllerOptions: ControllerOptions = { min: 1, max: 10, initial: 8, settleMs: 1000, windowMs: 3000, gain: 0.04, holdWindows: 3 };

export type ControllerDecision = { limit: number; rate: number; move: 'up' | 'down' | 'back' | 'hold' };

export type ConcurrencyController = {
  limit(): number;
  /** `bytes` were delivered at `now`. */
  record(now: number, bytes: number): void;
  /**
   * Called periodically. `saturated` is false when the ranges in flight were not limited by this controller (no work
   * left, paused, held back by the bandwidth cap): such a window says nothing about the limit and is thrown away.
   * Returns the decision when a window completed, else null.
   */
  tick(now: number, saturated: boolean): ControllerDecision | null;
};

type Phase = 'climb' | 'probe-up' | 'probe-down' | 'hold';

export function createConcurrencyController(options: Partial<ControllerOptions> = {}): ConcurrencyController {
  const o = { ...defaultControllerOptions, ...options };
  const clamp = (n: number) => Math.max(o.min, Math.min(o.max, n));
  let limit = clamp(o.initial);
  // The level we trust and its goodput; probes are judged against it.
  let base: { limit: number; rate: number } | null = null;
  let phase: Phase = 'climb';
  let holds = 0;
  let nextProbe: 'up' | 'down' = 'up';
  let changedAt: number | null = null;
  let windowStart: number | null = null;
  let bytes = 0;

  function go(next: number, nextPhase: Phase, move: ControllerDecision['move'], rate: number, now: number): ControllerDecision {
    const target = clamp(next);
    if (target !== limit) changedAt = now;
    limit = target;
    phase = nextPhase;
    windowStart = null;
    bytes = 0;
    return { limit, rate, move };
  }

  /** Back to the trusted level, and hold it a while. */
  const back = (rate: number, now: number) => {
    holds = 0;
    return go(base?.limit ?? limit, 'hold', 'back', rate, now);
  };

  function decide(rate: number, now: number): ControllerDecision {
    const paid = base === null || rate > base.rate * (1 + o.gain);
    switch (phase) {
      case 'climb': {
        if (!paid) return back(rate, now);
        base = { limit, rate };
        const up = clamp(Math.max(limit + 1, Math.round(limit * 1.5)));
        return up > limit ? go(up, 'climb', 'up', rate, now) : go(limit, 'hold', 'hold', rate, now);
      }
      case 'probe-up':
      case 'probe-down': {
        if (!paid) return back(rate, now);
        base = { limit, rate };
        const step = phase === 'probe-up' ? limit + 1 : limit - 1;
        return clamp(step) === limit ? go(limit, 'hold', 'hold', rate, now) : go(step, phase, phase === 'probe-up' ? 'up' : 'down', rate, now);
      }
      case 'hold': {
        base = { limit, rate }; // re-measured: the link may have changed
        if (++holds < o.holdWindows) return go(limit, 'hold', 'hold', rate, now);
        holds = 0;
        const canUp = limit < o.max;
        const canDown = limit > o.min;
        const direction = (nextProbe === 'up' && canUp) || !canDown ? 'up' : 'down';
        nextProbe = direction === 'up' ? 'down' : 'up';
        if (direction === 'up' && !canUp) return go(limit, 'hold', 'hold', rate, now);
        return direction === 'up' ? go(limit + 1, 'probe-up', 'up', rate, now) : go(limit - 1, 'probe-down', 'down', rate, now);
      }
    }
  }

  return {
    limit: () => limit,
    record(now, n) {
      if (windowStart !== null && now >= windowStart) bytes += n;
    },
    tick(now, saturated) {
      if (!saturated) {
        windowStart = null;
        bytes = 0;
        return null;
      }
      if (windowStart === null) {
        changedAt ??= now; // the first connections ramp up too
        windowStart = Math.max(now, changedAt + o.settleMs);
        bytes = 0;
        return null;
      }
      if (now - windowStart < o.windowMs) return null;
      return decide((bytes * 1000) / (now - windowStart), now);
    },
  };
}
