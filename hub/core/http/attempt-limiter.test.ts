// The failed-attempt limiter as a table: failures per key in a fixed window, refusal with the time left, bounded memory.
import { describe, expect, it } from 'vitest';
import { createAttemptLimiter } from './attempt-limiter.ts';

type Step = ['fail' | 'check', string, number, number?]; // action, key, at (ms), expected retry-after for 'check'

describe('attempt limiter (3 failures per 60 s)', () => {
  it.each<[string, Step[]]>([
    ['allows a key that never failed', [['check', 'a', 0, 0]]],
    ['allows up to the limit', [['fail', 'a', 0], ['fail', 'a', 1], ['check', 'a', 2, 0]]],
    ['refuses at the limit, for the rest of the window', [['fail', 'a', 0], ['fail', 'a', 10], ['fail', 'a', 20], ['check', 'a', 30, 59_970], ['check', 'a', 59_999, 1]]],
    ['forgets when the window is over', [['fail', 'a', 0], ['fail', 'a', 1], ['fail', 'a', 2], ['check', 'a', 60_000, 0]]],
    ['counts keys apart', [['fail', 'a', 0], ['fail', 'a', 1], ['fail', 'a', 2], ['check', 'b', 3, 0]]],
    ['starts a new window after an old one', [['fail', 'a', 0], ['fail', 'a', 1], ['fail', 'a', 70_000], ['check', 'a', 70_001, 0], ['fail', 'a', 70_002], ['fail', 'a', 70_003], ['check', 'a', 70_004, 59_996]]],
  ])('%s', (_name, steps) => {
    let now = 0;
    const limiter = createAttemptLimiter({ maxFailures: 3, windowMs: 60_000 }, () => now);
    for (const [action, key, at, expected] of steps) {
      now = at;
      if (action === 'fail') limiter.recordFailure(key);
      else expect(limiter.retryAfterMs(key), `${key} at ${at}`).toBe(expected);
    }
  });

  it('keeps at most maxKeys keys, forgetting the oldest', () => {
    const limiter = createAttemptLimiter({ maxFailures: 1, windowMs: 60_000 }, () => 0, 100);
    for (let i = 0; i < 1000; i++) limiter.recordFailure(`k${i}`);
    expect(limiter.size).toBe(100);
    expect(limiter.retryAfterMs('k999')).toBeGreaterThan(0);
    expect(limiter.retryAfterMs('k0')).toBe(0);
  });
});
