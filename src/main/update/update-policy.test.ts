import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canDownload,
  canInstall,
  dailyWindow,
  defaultUpdatePolicy,
  isBackupFreshForInstall,
  isInWindow,
  isWithinRollout,
  parseClock,
  shouldCheck,
  stagingPosition,
  stagingUserIdFor,
  type Activity,
  type UpdatePolicyConfig,
} from './update-policy.ts';

const m = parseClock;
const idle: Activity = { lessonInProgress: false, playback: 'none' };
const config: UpdatePolicyConfig = {
  checkIntervalMs: 4 * 3600_000,
  downloadWindow: dailyWindow('22:00', '06:00'),
  quietWindow: dailyWindow('12:10', '13:30'),
};

describe('daily windows', () => {
  it.each([
    ['22:00', '06:00', '22:00', true],
    ['22:00', '06:00', '23:59', true],
    ['22:00', '06:00', '00:00', true],
    ['22:00', '06:00', '05:59', true],
    ['22:00', '06:00', '06:00', false],
    ['22:00', '06:00', '12:00', false],
    ['22:00', '06:00', '21:59', false],
    ['12:10', '13:30', '12:10', true],
    ['12:10', '13:30', '13:29', true],
    ['12:10', '13:30', '13:30', false],
    ['12:10', '13:30', '12:09', false],
    ['12:10', '13:30', '00:00', false],
    ['00:00', '00:00', '15:00', true],
  ])('%s–%s contains %s → %s', (start, end, at, inside) => {
    expect(isInWindow(m(at), dailyWindow(start, end))).toBe(inside);
  });

  it.each(['24:00', '7:00', '12:60', '', 'noon', '12:00:00'])('refuses the clock %j', (bad) => {
    expect(() => parseClock(bad)).toThrow(/HH:MM/);
  });
});

describe('when to check', () => {
  const h = 3600_000;
  it.each([
    ['at start (never checked)', 1000 * h, null, true],
    ['just after a check', 1000 * h, 1000 * h - 1, false],
    ['3h59 later', 1000 * h, 1000 * h - 4 * h + 60_000, false],
    ['4h later', 1000 * h, 996 * h, true],
    ['a day later', 1000 * h, 976 * h, true],
    ['clock moved backwards', 1000 * h, 1001 * h, true],
  ])('%s → %s', (_label, now, last, expected) => {
    expect(shouldCheck(now, last, config)).toBe(expected);
  });
});

describe('download', () => {
  it.each([
    ['idle at night', '23:00', idle, { ok: true }],
    ['idle at 05:59', '05:59', idle, { ok: true }],
    ['idle in the day (outside download hours)', '10:00', idle, { ok: false, reason: 'outside_download_window' }],
    ['lesson in progress at night', '23:00', { lessonInProgress: true, playback: 'none' }, { ok: false, reason: 'lesson_in_progress' }],
    ['recorded playback at night (review)', '23:00', { lessonInProgress: false, playback: 'recorded' }, { ok: false, reason: 'playback' }],
    ['live lesson', '10:00', { lessonInProgress: true, playback: 'live' }, { ok: false, reason: 'playback' }],
  ] as const)('%s → %j', (_label, at, activity, expected) => {
    expect(canDownload(m(at), activity, config)).toEqual(expected);
  });

  it('with no download window, any time outside lessons', () => {
    expect(canDownload(m('10:00'), idle, defaultUpdatePolicy)).toEqual({ ok: true });
    expect(canDownload(m('10:00'), { lessonInProgress: true, playback: 'none' }, defaultUpdatePolicy).ok).toBe(false);
  });
});

describe('install', () => {
  const lesson: Activity = { lessonInProgress: true, playback: 'none' };
  it.each([
    ['running, quiet hour, idle', 'running', '12:30', true, idle, { ok: true }],
    ['running, quiet hour, lesson in progress', 'running', '12:30', true, lesson, { ok: false, reason: 'lesson_in_progress' }],
    ['running, quiet hour, live playing', 'running', '12:30', true, { lessonInProgress: true, playback: 'live' }, { ok: false, reason: 'playback' }],
    ['running, quiet hour, recording playing (review)', 'running', '12:30', true, { lessonInProgress: false, playback: 'recorded' }, { ok: false, reason: 'playback' }],
    ['running, outside quiet hours', 'running', '10:00', true, idle, { ok: false, reason: 'outside_quiet_window' }],
    ['quit, idle, any hour', 'quit', '10:00', true, idle, { ok: true }],
    ['quit during a lesson with nothing playing', 'quit', '10:00', true, lesson, { ok: true }],
    ['quit while live plays (crash-quit, window closed)', 'quit', '10:00', true, { lessonInProgress: true, playback: 'live' }, { ok: false, reason: 'playback' }],
    ['quit while a recording plays', 'quit', '23:00', true, { lessonInProgress: false, playback: 'recorded' }, { ok: false, reason: 'playback' }],
    ['nothing downloaded', 'quit', '12:30', false, idle, { ok: false, reason: 'not_downloaded' }],
  ] as const)('%s → %j', (_label, moment, at, downloaded, activity, expected) => {
    expect(canInstall(moment, m(at), downloaded, activity, config)).toEqual(expected);
  });

  it('a lesson in progress never gets a running install, at any minute of the day', () => {
    for (let minute = 0; minute < 24 * 60; minute++) {
      expect(canInstall('running', minute, true, lesson, config).ok).toBe(false);
      expect(canInstall('quit', minute, true, { lessonInProgress: true, playback: 'live' }, config).ok).toBe(false);
    }
  });
});

describe('staged rollout (electron-updater stagingPercentage semantics)', () => {
  // electron-updater's own maths, from its dependency: UUID.parse(id).readUInt32BE(12) / 0xffffffff < percentage / 100.
  const { UUID } = createRequire(import.meta.url)('builder-util-runtime') as { UUID: { parse(id: string): Buffer } };
  const theirs = (id: string, percent: number) => UUID.parse(id).readUInt32BE(12) / 0xffffffff < percent / 100;

  it('computes the same bucket as electron-updater for random and derived ids', () => {
    const ids = [
      ...Array.from({ length: 200 }, () => randomUUID()),
      ...Array.from({ length: 200 }, (_, i) => stagingUserIdFor(`dev_${i}`)),
      '00000000-0000-4000-8000-000000000000',
      'ffffffff-ffff-4fff-bfff-ffffffffffff',
    ];
    for (const id of ids) {
      expect(stagingPosition(id)).toBeCloseTo(UUID.parse(id).readUInt32BE(12) / 0xffffffff, 12);
      for (const percent of [0, 1, 10, 50, 99, 100]) expect(isWithinRollout(id, percent)).toBe(theirs(id, percent));
    }
  });

  it.each([
    ['0% reaches nobody, even the lowest id', '00000000-0000-4000-8000-000000000000', 0, false],
    ['1% reaches the lowest id', '00000000-0000-4000-8000-000000000000', 1, true],
    ['100% does not reach the very top id (strict <, as electron-updater)', 'ffffffff-ffff-4fff-bfff-ffffffffffff', 100, false],
    ['no stagingPercentage reaches everyone', 'ffffffff-ffff-4fff-bfff-ffffffffffff', null, true],
    ['a string percentage is truncated like parseInt (50.9 → 50)', '00000000-0000-4000-8000-000080000000', '50.9', false],
    ['the same id is inside 51 %', '00000000-0000-4000-8000-000080000000', '51', true],
    ['an unparsable percentage reaches everyone (electron-updater warns and proceeds)', '00000000-0000-4000-8000-ffffffffffff', 'abc', true],
  ] as const)('%s', (_label, id, percent, expected) => {
    expect(isWithinRollout(id, percent)).toBe(expected);
  });

  it('derived ids are stable, valid v5 UUIDs and spread evenly over the buckets', () => {
    expect(stagingUserIdFor('dev_01')).toBe(stagingUserIdFor('dev_01'));
    expect(stagingUserIdFor('dev_01')).not.toBe(stagingUserIdFor('dev_02'));
    expect(stagingUserIdFor('dev_01')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const n = 4000;
    const inTen = Array.from({ length: n }, (_, i) => isWithinRollout(stagingUserIdFor(`device-${i}`), 10)).filter(Boolean).length;
    // 10 % of 4000 = 400; binomial σ ≈ 19, so 5σ bounds.
    expect(inTen).toBeGreaterThan(300);
    expect(inTen).toBeLessThan(500);
    // Raising the percentage only adds devices: everyone in at 10 % is still in at 50 %.
    for (let i = 0; i < 500; i++) {
      const id = stagingUserIdFor(`device-${i}`);
      if (isWithinRollout(id, 10)) expect(isWithinRollout(id, 50)).toBe(true);
    }
  });

  it('refuses a malformed staging id instead of guessing a bucket', () => {
    expect(() => stagingPosition('not-a-uuid')).toThrow(/staging UUID/);
  });
});

describe('backup freshness before installing', () => {
  const now = Date.parse('2026-03-02T12:30:00Z');
  it.each([
    ['no backup at all', null, false],
    ['one minute old', '2026-03-02T12:29:00Z', true],
    ['five minutes old', '2026-03-02T12:25:00Z', true],
    ['six minutes old (renderer not saving)', '2026-03-02T12:24:00Z', false],
    ['yesterday', '2026-03-01T12:30:00Z', false],
    ['an hour in the future (clock changed)', '2026-03-02T13:30:00Z', false],
    ['unparsable', 'soon', false],
  ])('%s → %s', (_label, createdAt, fresh) => {
    expect(isBackupFreshForInstall(createdAt, now)).toBe(fresh);
  });
});
