import { describe, expect, it } from 'vitest';
import { hashTeacherPin, PIN_ITERATIONS, TEACHER_PIN_PATTERN, verifyTeacherPin } from './teacher-pin.ts';

describe('teacher PIN hash', () => {
  it('verifies the PIN it was made from and nothing else', async () => {
    const stored = await hashTeacherPin('482913');
    expect(await verifyTeacherPin('482913', stored)).toBe(true);
    for (const wrong of ['482914', '48291', '4829130', '', 'abcdef', '482913 ']) expect(await verifyTeacherPin(wrong, stored)).toBe(false);
  });

  it('keeps a salted PBKDF2 hash, never the PIN: the same PIN twice gives two different hashes', async () => {
    const a = await hashTeacherPin('2580');
    const b = await hashTeacherPin('2580');
    expect(a.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.iterations).toBe(PIN_ITERATIONS);
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
    expect(Object.values(a)).not.toContain('2580');
    expect(await verifyTeacherPin('2580', b)).toBe(true);
  });

  it('a tampered hash or salt no longer verifies', async () => {
    const stored = await hashTeacherPin('1357');
    expect(await verifyTeacherPin('1357', { ...stored, hash: stored.hash.replace(/^./, (c) => (c === '0' ? '1' : '0')) })).toBe(false);
    expect(await verifyTeacherPin('1357', { ...stored, salt: '0'.repeat(32) })).toBe(false);
  });

  it.each([
    ['123', false],
    ['1234', true],
    ['123456', true],
    ['1234567', false],
    ['12a4', false],
  ])('%s is a teacher PIN: %s', async (pin, ok) => {
    expect(TEACHER_PIN_PATTERN.test(pin)).toBe(ok);
    if (!ok) await expect(hashTeacherPin(pin)).rejects.toThrow('4–6 digits');
  });
});
