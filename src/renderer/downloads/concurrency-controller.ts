// How many byte ranges to keep in flight, found at run time by watching goodput: grow while it grows, go back when
// it does not, and try fewer now and then (equal goodput on fewer connections leaves the link's queue shorter for
// everyone else). Why not a constant: the best number depends on the hub's congestion control — a CUBIC sender on a
// lossy 300 ms link gets a few hundred kbit/s per connection, so it needs a dozen; a BBR sender fills the link with
// three and overflows its queue with a dozen. Pure: the caller feeds it delivered bytes and the clock.

export type ControllerOptions = {
  min: number;
  max: number;
  initial: number;
  /** After a change, wait this long before measuring (new connections ramp up). */
  settleMs: number;
  /** Length of one goodput measurement. */
  windowMs: number;
  /** Relative goodput gain that makes a step up worth keeping (smaller is noise, on a lossy link that is a lot). */
  gain: number;
  /** Relative goodput loss a step down may cost and still be kept (fewer connections, same goodput: better). */
  tolerance: number;
  /** Windows to stay put after a probe that did not pay, before probing up again. */
  holdWindows: number;
};

export const defaultControllerOptions: ControllerOptions = { min: 1, max: 12, initial: 6, settleMs: 1000, windowMs: 2500, gain: 0.05, tolerance: 0.03, holdWindows: 3 };

export type ControllerDecision = { limit: number; rate: number; move: 'up' | 'down' | 'back' | 'hold' };

export type ConcurrencyController = {
  limit(): number;
  /** `bytes` were delivered at `now`. */
  record(now: number, bytes: number): void;
  /**
   * Called periodically. `saturated` is false when fewer ranges than the limit were in flight (no work left, paused,
   * held back by the bandwidth cap): such a window says nothing about the limit and is thrown away.
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
  let changedAt: number | null = null;
  let windowStart: number | null = null;
  let bytes = 0;

  const restartWindow = () => {
    windowStart = null;
    bytes = 0;
  };
  const moveTo = (next: number, now: number) => {
    if (next !== limit) changedAt = now;
    limit = next;
    restartWindow();
  };

  function go(next: number, nextPhase: Phase, move: ControllerDecision['move'], rate: number, now: number): ControllerDecision {
    phase = nextPhase;
    if (nextPhase === 'hold' && move !== 'hold') holds = 0;
    moveTo(clamp(next), now);
    return { limit, rate, move };
  }

  function decide(rate: number, now: number): ControllerDecision {
    const grew = base === null || rate > base.rate * (1 + o.gain);
    const held = base !== null && rate >= base.rate * (1 - o.tolerance);
    switch (phase) {
      case 'climb': {
        // From the start, multiply while goodput follows: one window per step matters on a short download.
        if (!grew) return backThenDown(rate, now);
        base = { limit, rate };
        const up = clamp(Math.max(limit + 1, Math.round(limit * 1.5)));
        return up > limit ? go(up, 'climb', 'up', rate, now) : go(limit - 1, 'probe-down', 'down', rate, now);
      }
      case 'probe-up':
        if (!grew) return backThenDown(rate, now);
        base = { limit, rate };
        return limit < o.max ? go(limit + 1, 'probe-up', 'up', rate, now) : go(limit, 'hold', 'hold', rate, now);
      case 'probe-down':
        if (!held || base === null) return go(base?.limit ?? limit, 'hold', 'back', rate, now);
        // As good with fewer: keep it. The reference stays the better rate, so noise cannot walk it down for ever.
        base = { limit, rate: Math.max(rate, base.rate) };
        return limit > o.min ? go(limit - 1, 'probe-down', 'down', rate, now) : go(limit, 'hold', 'hold', rate, now);
      case 'hold':
        // Re-measure the trusted level (the link may have changed), and after a while probe again.
        base = { limit, rate };
        if (++holds < o.holdWindows) return go(limit, 'hold', 'hold', rate, now);
        holds = 0;
        return limit < o.max ? go(limit + 1, 'probe-up', 'up', rate, now) : go(limit - 1, 'probe-down', 'down', rate, now);
    }
  }

  /** A step up did not pay: go back below the trusted level to see whether fewer do as well. */
  function backThenDown(rate: number, now: number): ControllerDecision {
    const trusted = base?.limit ?? limit;
    return trusted > o.min ? go(trusted - 1, 'probe-down', 'back', rate, now) : go(trusted, 'hold', 'back', rate, now);
  }

  return {
    limit: () => limit,
    record(now, n) {
      if (windowStart !== null && now >= windowStart) bytes += n;
    },
    tick(now, saturated) {
      if (!saturated) {
        restartWindow();
        return null;
      }
      if (windowStart === null) {
        changedAt ??= now; // the first connections ramp up too
        windowStart = Math.max(now, changedAt + o.settleMs);
        bytes = 0;
        return null;
      }
      if (now - windowStart < o.windowMs) return null;
      const rate = (bytes * 1000) / (now - windowStart);
      return decide(rate, now);
    },
  };
}
