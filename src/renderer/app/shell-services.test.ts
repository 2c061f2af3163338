import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DesktopApi } from '../../shared/ipc.ts';
import type { BackupSnapshot, UpdateStatus } from '../../shared/update-protocol.ts';
import { openAppDb, type AppDb } from '../db/app-db.ts';
import { createShellServices, lessonInProgress } from './shell-services.ts';

const opened: AppDb[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.delete();
});

function freshDb() {
  const db = openAppDb(`shell-${crypto.randomUUID()}`);
  opened.push(db);
  return db;
}

const lesson = (startsAt: string, endsAt: string) => ({ id: startsAt, classroomId: 'c1', courseId: 'm', subject: '数学', title: '通分', leadSchoolName: '成都七中', teacherName: '王老师', startsAt, endsAt, mode: 'live' as const });

describe('lessonInProgress', () => {
  it.each([
    ['during the lesson', '2026-03-02T01:10:00.000Z', true],
    ['at the start minute', '2026-03-02T01:00:00.000Z', true],
    ['after the end', '2026-03-02T01:45:00.000Z', false],
    ['before the start', '2026-03-02T00:59:00.000Z', false],
  ])('%s → %s', async (_label, at, expected) => {
    const db = freshDb();
    await db.lessons.put(lesson('2026-03-02T01:00:00.000Z', '2026-03-02T01:45:00.000Z'));
    expect(await lessonInProgress(db, new Date(at))).toBe(expected);
  });
});

describe('shell services (stand-in for the Electron bridge)', () => {
  it('reports the lesson to main and saves a backup, again once an update is downloaded', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const db = freshDb();
    await db.lessons.put(lesson('2026-03-02T01:00:00.000Z', '2026-03-02T01:45:00.000Z'));
    let clock = new Date('2026-03-02T01:10:00.000Z');
    let phase: UpdateStatus['phase'] = 'idle';
    const saved: BackupSnapshot[] = [];
    const desktop = {
      activity: { set: vi.fn(() => Promise.resolve(undefined)) },
      update: { status: vi.fn(() => Promise.resolve({ phase } as UpdateStatus)) },
      backup: { save: vi.fn((s: BackupSnapshot) => (saved.push(s), Promise.resolve({ file: 'f', bytes: 1 }))), latest: () => Promise.resolve(null) },
      log: { write: vi.fn(() => Promise.resolve(undefined)) },
    } as unknown as DesktopApi;
    const services = createShellServices({ db, desktop, appVersion: '0.1.0', now: () => clock, errors: new EventTarget() });
    expect((await services.verifyDatabase()).state).toBe('fresh');
    services.start();
    await vi.waitFor(() => expect(saved).toHaveLength(1));
    expect(desktop.activity.set).toHaveBeenCalledWith({ lessonInProgress: true, playback: 'none' });
    expect(Object.keys(saved[0]?.tables ?? {})).toEqual(expect.arrayContaining(['outbox', 'notes', 'attendance', 'meta']));

    phase = 'downloaded';
    clock = new Date('2026-03-02T01:12:00.000Z');
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.waitFor(() => expect(saved).toHaveLength(2));
    services.stop();
    vi.useRealTimers();
  });
});
