// The in-flight search on model links (goodput as a function of ranges in flight), with a fake clock: it climbs to a
// dozen where every connection adds goodput (a CUBIC hub on a lossy 300 ms link), settles at three where more only
// overflow the queue (a BBR-like hub), does not drift down on noisy goodput, ignores windows that say nothing about the
// limit, and follows a link that changes.
import { describe, expect, it } from 'vitest';
import { createConcurrencyController, type ControllerOptions } from './concurrency-controller.ts';

const OPTIONS: Partial<ControllerOptions> = { min: 1, max: 12, initial: 6, settleMs: 1000, windowMs: 2500, gain: 0.04, holdWindows: 3 };

/** Runs the controller for `seconds` against a link whose goodput (bytes/s) depends on the limit; returns the limits seen. */
function drive(rate: (limit: number, t: number) => number, seconds: number, options = OPTIONS, saturated: (t: number) => boolean = () => true) {
  const c = createConcurrencyController(options);
  const limits: number[] = [];
  for (let t = 0; t < seconds * 1000; t += 100) {
    c.record(t, (rate(c.limit(), t) * 100) / 1000);
    c.tick(t, saturated(t));
    limits.push(c.limit());
  }
  return { limits, last: c.limit(), c };
}

// Measured shapes (kbit/s of goodput, 2 Mbit/s link, 300 ms, 3 % loss; see tests/net/README.md).
const cubic = (n: number) => [0, 300, 560, 800, 1000, 1150, 1360, 1450, 1530, 1650, 1720, 1770, 1800][n] ?? 1800;
const bbr = (n: number) => [0, 1220, 1600, 1720, 1700, 1560, 1410, 1350, 1300, 1260, 1230, 1210, 1190][n] ?? 1190;
const kbit = (f: (n: number) => number) => (n: number) => (f(n) * 1000) / 8;

describe('concurrency controller', () => {
  it('starts at the initial limit and decides nothing before the first window is complete', () => {
    const c = createConcurrencyController(OPTIONS);
    expect(c.limit()).toBe(6);
    for (let t = 0; t < 3400; t += 100) {
      c.record(t, 1000);
      expect(c.tick(t, true)).toBeNull();
    }
  });

  it.each([
    ['a CUBIC hub (every connection adds goodput)', cubic],
    ['a BBR hub (more than three overflow the queue)', bbr],
  ])('on %s it spends the last minute within 5 %% of the best goodput', (_name, shape) => {
    const { limits } = drive(kbit(shape), 120);
    const late = limits.slice(-600); // the last minute, probes included
    const mean = late.reduce((sum, n) => sum + shape(n), 0) / late.length;
    const best = Math.max(...Array.from({ length: 12 }, (_, i) => shape(i + 1)));
    expect(mean / best).toBeGreaterThan(0.95);
  });

  it('on noisy goodput (±10 % per window) it does not drift down: a CUBIC hub keeps most of its connections', () => {
    let seed = 7;
    const noise = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return 0.9 + (seed / 2 ** 31) * 0.2;
    };
    let factor = 1;
    let windowAt = -1;
    const { limits } = drive((n, t) => {
      const w = Math.floor(t / 500); // the noise changes every half second
      if (w !== windowAt) [windowAt, factor] = [w, noise()];
      return kbit(cubic)(n) * factor;
    }, 300);
    const late = limits.slice(-1800); // the last three minutes
    const mean = late.reduce((sum, n) => sum + cubic(n), 0) / late.length;
    expect(mean / cubic(12)).toBeGreaterThan(0.9);
  });

  it('climbs multiplicatively at the start: from 6 to 12 in two windows on a CUBIC hub', () => {
    const { limits } = drive(kbit(cubic), 8); // 2 × (1 s settle + 2.5 s window) + a little
    expect(limits.at(-1)).toBe(12);
  });

  it('a window with fewer ranges in flight than the limit (no work, paused, capped) changes nothing', () => {
    const { limits } = drive(kbit(cubic), 60, OPTIONS, () => false);
    expect(new Set(limits)).toEqual(new Set([6]));
  });

  it('stays within min and max', () => {
    const { limits } = drive((n) => n * 1_000_000, 60, { ...OPTIONS, min: 2, max: 5, initial: 3 });
    expect(Math.max(...limits)).toBe(5);
    expect(Math.min(...limits)).toBeGreaterThanOrEqual(2);
  });

  it('follows a link that changes: a hub switched from BBR to CUBIC gets more ranges', () => {
    const { limits } = drive((n, t) => (t < 60_000 ? kbit(bbr)(n) : kbit(cubic)(n)), 180);
    const before = limits.slice(300, 600);
    const after = limits.slice(-300);
    expect(Math.max(...before)).toBeLessThanOrEqual(6);
    expect(after.reduce((sum, n) => sum + n, 0) / after.length).toBeGreaterThanOrEqual(9);
  });

  it('bytes delivered while new connections settle are not counted', () => {
    const c = createConcurrencyController({ ...OPTIONS, settleMs: 1000, windowMs: 1000 });
    c.tick(0, true); // the first connections ramp up too: the window opens at 1000
    c.record(500, 1_000_000); // during settling: ignored
    for (let t = 1000; t <= 2000; t += 100) {
      c.record(t, 100);
      const decision = c.tick(t, true);
      if (decision) expect(decision.rate).toBeLessThan(2000);
    }
  });
});
