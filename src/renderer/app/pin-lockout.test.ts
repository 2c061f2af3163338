import { describe, expect, it } from 'vitest';
import { afterWrongPin, LOCKOUT_MS, NO_FAILURES, retryAt, triesLeft, type PinFailures } from './pin-lockout.ts';

const T0 = 1_000_000;

describe('wrong teacher PINs', () => {
  it('four wrong in a row leave one try; the fifth starts a 30 s wait', () => {
    let f: PinFailures = NO_FAILURES;
    for (let i = 1; i <= 4; i++) {
      f = afterWrongPin(f, T0 + i);
      expect(retryAt(f, T0 + i)).toBeNull();
      expect(triesLeft(f)).toBe(5 - i);
    }
    f = afterWrongPin(f, T0 + 5);
    expect(f).toEqual({ wrong: 0, lockedUntil: T0 + 5 + LOCKOUT_MS });
    expect(LOCKOUT_MS).toBe(30_000);
  });

  it.each([
    ['just after', T0 + 1, T0 + LOCKOUT_MS],
    ['1 ms before the end', T0 + LOCKOUT_MS - 1, T0 + LOCKOUT_MS],
    ['at the end', T0 + LOCKOUT_MS, null],
    ['long after', T0 + 10 * LOCKOUT_MS, null],
  ])('while waiting (%s) the next try is at %s', (_label, now, expected) => {
    expect(retryAt({ wrong: 0, lockedUntil: T0 + LOCKOUT_MS }, now)).toBe(expected);
  });

  it('after the wait, five more tries before the next wait', () => {
    let f: PinFailures = { wrong: 0, lockedUntil: T0 };
    for (let i = 1; i <= 4; i++) f = afterWrongPin(f, T0 + i);
    expect(f.lockedUntil).toBeNull();
    expect(triesLeft(f)).toBe(1);
    expect(afterWrongPin(f, T0 + 9).lockedUntil).toBe(T0 + 9 + LOCKOUT_MS);
  });
});
