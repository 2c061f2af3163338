import { describe, expect, it } from 'vitest';
import { backoffMs, inDownloadHours, parseHours, priorityOrder } from './download-policy.ts';

const at = (hhmm: string) => new Date(`2026-11-25T${hhmm}:00`);

describe('inDownloadHours', () => {
  const night = { start: 22 * 60, end: 6 * 60 };
  it.each([
    ['23:30', night, true],
    ['03:00', night, true],
    ['06:00', night, false],
    ['12:00', night, false],
    ['22:00', night, true],
    ['12:00', { start: 12 * 60, end: 13 * 60 }, true],
    ['13:00', { start: 12 * 60, end: 13 * 60 }, false],
    ['12:00', null, true],
  ])('%s in %o → %s', (time, hours, expected) => {
    expect(inDownloadHours(at(time), hours)).toBe(expected);
  });
});

describe('parseHours', () => {
  it.each([
    ['22:00', 1320],
    ['6:05', 365],
    ['24:00', null],
    ['12:60', null],
    ['noon', null],
  ])('%s → %s', (text, minutes) => expect(parseHours(text)).toBe(minutes));
});

describe('backoffMs', () => {
  it('doubles from 1 s and caps at 30 s (jitter ±50 %)', () => {
    expect([1, 2, 3, 6, 20].map((a) => backoffMs(a, () => 0.5))).toEqual([1000, 2000, 4000, 30_000, 30_000]);
    expect(backoffMs(1, () => 0)).toBe(500);
    expect(backoffMs(1, () => 0.999)).toBeLessThan(1500);
  });
});

describe('priorityOrder', () => {
  const now = new Date('2026-11-25T08:00:00Z').getTime();
  const h = 3_600_000;
  it('puts the next lessons first, a lesson in progress before later ones, past-only files last (newest first)', () => {
    const order = priorityOrder(
      [
        { sha256: 'tomorrow', lessonStarts: [now + 24 * h] },
        { sha256: 'old', lessonStarts: [now - 48 * h] },
        { sha256: 'in-class', lessonStarts: [now - 10 * 60_000] },
        { sha256: 'yesterday', lessonStarts: [now - 24 * h] },
        { sha256: 'soon', lessonStarts: [now + h, now - 72 * h] },
      ],
      now,
    );
    expect(order).toEqual(['in-class', 'soon', 'tomorrow', 'yesterday', 'old']);
  });
});
