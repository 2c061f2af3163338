import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, DAY_MS, formatClock, formatDate, lessonPhase, slotLabel, startOfDay, startOfWeek } from './lesson-time.ts';

// The module works in the PC's local zone. Node re-reads process.env.TZ when it is assigned, so each block pins one.
const originalTz = process.env.TZ;

function inZone(tz: string) {
  beforeAll(() => {
    process.env.TZ = tz;
  });
  afterAll(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });
}

describe('in Asia/Shanghai (classroom PCs)', () => {
  inZone('Asia/Shanghai');

  it('runs in the zone it pinned', () => {
    expect(new Date('2025-09-01T00:00:00Z').getHours()).toBe(8);
  });

  describe('startOfWeek: Monday 00:00 China time', () => {
    const monday = '2025-08-31T16:00:00.000Z'; // 2025-09-01 00:00 +08:00
    it.each([
      ['Monday 00:00', '2025-09-01T00:00:00+08:00', monday],
      ['Monday 08:00', '2025-09-01T08:00:00+08:00', monday],
      ['Wednesday noon', '2025-09-03T12:00:00+08:00', monday],
      ['Saturday', '2025-09-06T10:00:00+08:00', monday],
      ['Sunday 23:59:59.999', '2025-09-07T23:59:59.999+08:00', monday],
      ['next Monday 00:00', '2025-09-08T00:00:00+08:00', '2025-09-07T16:00:00.000Z'],
      // 00:30 Monday in China is still Sunday in UTC: the China-time week must win.
      ['Monday 00:30 China (Sunday in UTC)', '2025-09-07T16:30:00Z', '2025-09-07T16:00:00.000Z'],
      ['across a month end', '2025-10-01T09:00:00+08:00', '2025-09-28T16:00:00.000Z'],
      ['across a year end (Thu 1 Jan 2026)', '2026-01-01T09:00:00+08:00', '2025-12-28T16:00:00.000Z'],
      ['in a leap February', '2024-03-01T09:00:00+08:00', '2024-02-25T16:00:00.000Z'],
    ])('%s → that week’s Monday', (_label, input, expected) => {
      const start = startOfWeek(new Date(input));
      expect(start.toISOString()).toBe(expected);
      expect(start.getDay()).toBe(1);
      expect(start.getHours()).toBe(0);
    });
  });

  it('startOfDay is local midnight, not UTC midnight', () => {
    expect(startOfDay(new Date('2025-09-01T17:00:00Z')).toISOString()).toBe('2025-09-01T16:00:00.000Z'); // 01:00 on 2 Sep
    expect(startOfDay(new Date('2025-09-01T15:59:59Z')).toISOString()).toBe('2025-08-31T16:00:00.000Z'); // 23:59 on 1 Sep
  });

  it.each([
    ['forward within a month', '2025-09-01T08:00:00+08:00', 3, '2025-09-03T16:00:00.000Z'],
    ['forward across a month end', '2025-09-29T08:00:00+08:00', 6, '2025-10-04T16:00:00.000Z'],
    ['backward across a year end', '2026-01-02T08:00:00+08:00', -3, '2025-12-29T16:00:00.000Z'],
    ['zero days (drops the time of day)', '2025-09-01T23:00:00+08:00', 0, '2025-08-31T16:00:00.000Z'],
  ])('addDays %s lands on local midnight', (_label, input, days, expected) => {
    expect(addDays(new Date(input), days).toISOString()).toBe(expected);
  });

  it('a week is seven DAY_MS days in China (no DST)', () => {
    const monday = startOfWeek(new Date('2025-09-03T12:00:00+08:00'));
    expect(addDays(monday, 7).getTime() - monday.getTime()).toBe(7 * DAY_MS);
  });

  describe('formatClock', () => {
    it.each([
      ['en', '2025-09-01T00:00:00Z', '08:00'],
      ['zh-CN', '2025-09-01T00:00:00Z', '08:00'],
      ['zh-CN', '2025-09-01T05:30:00Z', '13:30'],
      ['en', '2025-09-01T05:30:00Z', '13:30'],
      // 00:05 China time: must not render as "24:05" (a known hour12:false quirk in English locales).
      ['en', '2025-09-01T16:05:00Z', '00:05'],
      ['zh-CN', '2025-09-01T16:05:00Z', '00:05'],
      ['en', '2025-09-01T15:59:00Z', '23:59'],
    ])('%s %s → %s (24-hour, China time)', (language, iso, expected) => {
      expect(formatClock(new Date(iso), language)).toBe(expected);
    });
  });

  it.each([
    ['zh-CN', '2025-09-01T00:00:00+08:00', '9/1'],
    ['en', '2025-09-01T00:00:00+08:00', '9/1'],
    ['zh-CN', '2025-08-31T16:30:00Z', '9/1'], // still 31 Aug in UTC
    ['zh-CN', '2025-12-31T23:59:00+08:00', '12/31'],
  ])('formatDate %s %s → %s', (language, iso, expected) => {
    expect(formatDate(new Date(iso), language)).toBe(expected);
  });

  it('slotLabel shows the lesson’s start–end in China time', () => {
    const lesson = { startsAt: '2025-09-01T00:00:00.000Z', endsAt: '2025-09-01T00:45:00.000Z' };
    expect(slotLabel(lesson, 'zh-CN')).toBe('08:00–08:45');
    expect(slotLabel({ startsAt: '2025-09-01T14:00:00+08:00', endsAt: '2025-09-01T14:45:00+08:00' }, 'en')).toBe('14:00–14:45');
  });

  it('slot labels sort in time order, including a lesson just after midnight', () => {
    const labels = [
      { startsAt: '2025-09-01T14:00:00+08:00', endsAt: '2025-09-01T14:45:00+08:00' },
      { startsAt: '2025-09-01T00:10:00+08:00', endsAt: '2025-09-01T00:55:00+08:00' },
      { startsAt: '2025-09-01T08:00:00+08:00', endsAt: '2025-09-01T08:45:00+08:00' },
    ].map((l) => slotLabel(l, 'en'));
    expect([...labels].sort()).toEqual(['00:10–00:55', '08:00–08:45', '14:00–14:45']);
  });
});

describe('lessonPhase', () => {
  const lesson = { startsAt: '2025-09-01T08:00:00+08:00', endsAt: '2025-09-01T08:45:00+08:00' };
  it.each([
    ['a minute before start', '2025-09-01T07:59:00+08:00', 'upcoming'],
    ['a millisecond before start', '2025-08-31T23:59:59.999Z', 'upcoming'],
    ['exactly at start', '2025-09-01T00:00:00Z', 'now'],
    ['in the middle', '2025-09-01T08:20:00+08:00', 'now'],
    ['a millisecond before the end', '2025-09-01T00:44:59.999Z', 'now'],
    ['exactly at the end', '2025-09-01T08:45:00+08:00', 'done'],
    ['the next day', '2025-09-02T08:00:00+08:00', 'done'],
  ] as const)('%s → %s', (_label, now, expected) => {
    expect(lessonPhase(lesson, new Date(now))).toBe(expected);
  });
});

describe('in a zone with daylight saving (Europe/Berlin): calendar days, not 24-hour steps', () => {
  inZone('Europe/Berlin');

  it('addDays across the spring change lands on local midnight', () => {
    const saturday = new Date(2025, 2, 29); // 29 Mar 2025 00:00 CET
    const monday = addDays(saturday, 2); // DST starts on Sunday 30 Mar
    expect(monday.getDate()).toBe(31);
    expect(monday.getHours()).toBe(0);
    expect(monday.getTime() - saturday.getTime()).toBe(2 * DAY_MS - 60 * 60 * 1000);
  });

  it('startOfWeek from a Sunday after the change is the Monday before it', () => {
    const start = startOfWeek(new Date(2025, 2, 30, 12));
    expect([start.getFullYear(), start.getMonth(), start.getDate(), start.getHours()]).toEqual([2025, 2, 24, 0]);
  });
});
