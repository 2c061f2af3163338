import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DesktopApi } from '../../shared/ipc.ts';
import type { BackupLatest, BackupSnapshot, UpdateStatus } from '../../shared/update-protocol.ts';
import type { DataSafety } from '../stores/data-safety-store.ts';
import { exportSnapshot } from '../db/db-backup.ts';
import { openAppDb, type AppDb } from '../db/app-db.ts';
import { createShellServices, DatabaseUnverifiedError, lessonInProgress, type PlaybackSource } from './shell-services.ts';

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
      backup: { save: vi.fn((s: BackupSnapshot) => (saved.push(s), Promise.resolve({ file: 'f', bytes: 1 }))), latest: () => Promise.resolve({ state: 'none' }), keep: vi.fn() },
      log: { write: vi.fn(() => Promise.resolve(undefined)) },
    } as unknown as DesktopApi;
    const services = createShellServices({ db, desktop, appVersion: '0.1.0', now: () => clock, errors: new EventTarget() });
    expect((await services.verifyDatabase()).state).toBe('fresh');
    services.start();
    await vi.waitFor(() => expect(saved).toHaveLength(1));
    expect(desktop.activity.set).toHaveBeenCalledWith({ lessonInProgress: true, playback: 'none' });
    expect(desktop.backup.keep).not.toHaveBeenCalled(); // a fresh database matched no backup
    expect(Object.keys(saved[0]?.tables ?? {})).toEqual(expect.arrayContaining(['outbox', 'notes', 'attendance', 'meta']));

    phase = 'downloaded';
    clock = new Date('2026-03-02T01:12:00.000Z');
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.waitFor(() => expect(saved).toHaveLength(2));
    services.stop();
    vi.useRealTimers();
  });
});

/** A stand-in for the Electron bridge whose backups answer what the test says. */
function fakeDesktop(latest: () => Promise<BackupLatest>) {
  const saved: BackupSnapshot[] = [];
  const desktop = {
    activity: { set: vi.fn(() => Promise.resolve(undefined)) },
    power: { keepAwake: vi.fn(() => Promise.resolve(undefined)) },
    update: { status: vi.fn(() => Promise.resolve({ phase: 'idle' } as UpdateStatus)) },
    backup: { save: vi.fn((s: BackupSnapshot) => (saved.push(s), Promise.resolve({ file: 'f', bytes: 1 }))), latest: vi.fn(latest), keep: vi.fn(() => Promise.resolve(undefined)) },
    log: { write: vi.fn(() => Promise.resolve(undefined)) },
  };
  return { desktop, api: desktop as unknown as DesktopApi, saved };
}

describe('shell services: backups that cannot be read', () => {
  it.each([
    ['main says unreadable', () => Promise.resolve<BackupLatest>({ state: 'unreadable', reason: 'backups folder: EIO' }), 'backups folder: EIO'],
    ['the IPC call fails', () => Promise.reject(new Error('IPC timed out')), 'backup:latest failed: IPC timed out'],
  ])('%s → unverified: nothing written, no backup saved, said on screen, checked again each minute', async (_name, failing, reason) => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    // The classroom's database and its backup; then an update loses IndexedDB.
    const original = freshDb();
    await original.meta.put({ key: 'dbInstanceId', value: 'inst-classroom' });
    await original.outbox.add({ id: 'op-1', op: { id: 'op-1', hlc: 'h', type: 'attendance.set', lessonId: 'l', studentId: 's', status: 'absent' }, status: 'pending', createdAt: 'now', attempts: 0 });
    const backup = JSON.parse(JSON.stringify(await exportSnapshot(original, '0.1.0', new Date()))) as BackupSnapshot;
    const db = freshDb();
    let latest = failing;
    const { desktop, api, saved } = fakeDesktop(() => latest());
    const reports: DataSafety[] = [];
    const services = createShellServices({ db, desktop: api, appVersion: '0.1.0', now: () => new Date('2026-03-02T09:00:00Z'), errors: new EventTarget(), report: (r) => reports.push(r) });

    expect(await services.verifyDatabase()).toEqual({ state: 'unverified', restoredRows: 0, reason });
    expect(await db.meta.toArray()).toEqual([]); // not marked fresh
    expect(await db.outbox.count()).toBe(0);
    expect(reports.at(-1)).toEqual({ backup: 'unverified', reason });
    await expect(services.backupNow()).rejects.toBeInstanceOf(DatabaseUnverifiedError);

    services.start();
    await vi.waitFor(() => expect(desktop.backup.latest).toHaveBeenCalledTimes(2));
    await vi.waitFor(() => expect(desktop.activity.set).toHaveBeenCalledTimes(1));
    expect(saved).toHaveLength(0);
    expect(desktop.log.write).toHaveBeenCalledTimes(1); // said once, not every minute

    // The folder reads again: the next minute's check restores, keeps that backup, and backups resume.
    latest = () => Promise.resolve({ state: 'found', file: 'backup-1772366400000-0001.json', snapshot: backup });
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.waitFor(() => expect(saved).toHaveLength(1));
    expect(await db.meta.get('dbInstanceId')).toEqual({ key: 'dbInstanceId', value: 'inst-classroom' });
    expect(await db.outbox.count()).toBe(1);
    expect(desktop.backup.keep).toHaveBeenCalledWith({ file: 'backup-1772366400000-0001.json' });
    expect(reports.at(-1)).toEqual({ backup: 'verified', reason: null });
    services.stop();
    vi.useRealTimers();
  });
});

describe('shell services: a recording playing is activity', () => {
  it('keeps the display awake and reports playback while a recording plays, at once, and lets go after', async () => {
    const db = freshDb();
    const { desktop, api } = fakeDesktop(() => Promise.resolve({ state: 'none' }));
    let playing: 'none' | 'recorded' = 'none';
    const listeners = new Set<() => void>();
    const playback: PlaybackSource = { current: () => playing, subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) };
    const services = createShellServices({ db, desktop: api, appVersion: '0.1.0', now: () => new Date('2026-03-02T09:00:00Z'), errors: new EventTarget(), playback });
    await services.verifyDatabase();
    services.start();
    await vi.waitFor(() => expect(desktop.activity.set).toHaveBeenLastCalledWith({ lessonInProgress: false, playback: 'none' }));
    expect(desktop.power.keepAwake).not.toHaveBeenCalled();

    playing = 'recorded';
    listeners.forEach((l) => l());
    await vi.waitFor(() => expect(desktop.activity.set).toHaveBeenLastCalledWith({ lessonInProgress: false, playback: 'recorded' }));
    expect(desktop.power.keepAwake).toHaveBeenLastCalledWith({ on: true, reason: 'recorded lesson' });

    playing = 'none';
    listeners.forEach((l) => l());
    await vi.waitFor(() => expect(desktop.power.keepAwake).toHaveBeenLastCalledWith({ on: false, reason: 'recorded lesson' }));
    await vi.waitFor(() => expect(desktop.activity.set).toHaveBeenLastCalledWith({ lessonInProgress: false, playback: 'none' }));
    expect(desktop.power.keepAwake).toHaveBeenCalledTimes(2);
    services.stop();
    expect(listeners.size).toBe(0);
  });
});
