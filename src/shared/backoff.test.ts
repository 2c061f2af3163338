import { describe, expect, it } from 'vitest';
import { backoffMs } from './backoff.ts';

describe('backoffMs', () => {
  it('doubles from the minimum up to the cap (jitter at its middle)', () => {
    expect([1, 2, 3, 6, 20].map((a) => backoffMs(a, () => 0.5))).toEqual([1000, 2000, 4000, 30_000, 30_000]);
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(a, () => 0.5, { minMs: 30_000, maxMs: 120_000 }))).toEqual([30_000, 60_000, 120_000, 120_000, 120_000]);
  });

  it('jitters each delay within ×0.5–1.5', () => {
    expect(backoffMs(1, () => 0)).toBe(500);
    expect(backoffMs(1, () => 0.999)).toBeLessThan(1500);
    expect(backoffMs(0, () => 0.5)).toBe(1000);
  });

  it('stays finite for absurd attempt counts', () => {
    expect(backoffMs(10_000, () => 0.5)).toBe(30_000);
  });
});
