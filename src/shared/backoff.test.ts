import { describe, expect, it } from 'vitest';
import { jitteredBackoffMs } from './backoff.ts';

describe('jitteredBackoffMs', () => {
  it.each([
    [0, 0, 250],
    [0, 1, 500],
    [1, 1, 1000],
    [2, 1, 2000],
    [9, 1, 2000],
    [9, 0, 1000],
    [-3, 1, 500],
  ])('attempt %i, random %f → %i ms (min 500, max 2000)', (attempt, random, expected) => {
    expect(jitteredBackoffMs(attempt, { minMs: 500, maxMs: 2000, random: () => random })).toBe(expected);
  });
});
