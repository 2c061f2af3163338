import { describe, expect, it } from 'vitest';
import { choiceLetter, IDLE_SIGN_OUT_MS, idleExpired, tileColour } from './student-session.ts';

describe('student sign-out after inactivity', () => {
  it.each([
    [0, false],
    [IDLE_SIGN_OUT_MS - 1, false],
    [IDLE_SIGN_OUT_MS, true],
    [IDLE_SIGN_OUT_MS * 10, true],
  ])('%i ms idle → signed out: %s', (idle, expired) => expect(idleExpired(1_000, 1_000 + idle)).toBe(expired));
  it('letters and colours', () => {
    expect([0, 1, 7].map(choiceLetter)).toEqual(['A', 'B', 'H']);
    expect(tileColour('stu-1')).toBe(tileColour('stu-1'));
    expect(tileColour('stu-1')).toMatch(/^#[0-9a-f]{6}$/);
  });
});
