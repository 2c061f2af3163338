// A change this version cannot read (a type the hub gained after this build: a 考核 paper, a withdrawn reply) is
// skipped so pulls go on — and read again by the app's next version, from the page where it was skipped, once.
// Reading the changes between again ends where reading them once did.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PullPage } from '../../shared/protocol.ts';
import { openAppDb, type AppDb } from '../db/app-db.ts';
import { getMeta } from '../db/meta-repo.ts';
import { pullAll } from './pull-all.ts';

let db: AppDb;
const now = () => new Date('2026-12-07T08:00:00.000Z');
beforeEach(() => {
  db = openAppDb(`pull-replay-${crypto.randomUUID()}`);
});
afterEach(async () => {
  await db.delete();
});

const student = (n: number) => ({ type: 'student.put', student: { id: `s${n}`, classroomId: 'cls-1', name: `学生${n}`, number: n } });
const exam = {
  type: 'exam.put',
  exam: { id: 'ex-1', lessonId: 'l1', title: '第一单元考核', opensAt: '2026-12-08T01:00:00.000Z', closesAt: '2026-12-08T02:00:00.000Z', durationSec: 600, questions: [{ id: 'e1', prompt: '1 + 1', choices: ['1', '2'] }] },
};
/** What a build without 考核 made of an exam.put: a type it does not have. */
const unknownToOldBuild = { ...exam, type: 'exam.put.v2' };

/** The hub's change log, two changes a page; `log[i]` has seq i + 1. */
function hubWith(log: () => unknown[]) {
  const pull = vi.fn((cursor: number): Promise<PullPage> => {
    const all = log();
    const next = Math.min(cursor + 2, all.length);
    return Promise.resolve({ protocol: 1, cursor: next, hasMore: next < all.length, serverTime: '2026-12-07T08:00:00Z', changes: all.slice(cursor, next) });
  });
  return { pull };
}

describe('changes skipped by one version are read again by the next', () => {
  it('rewinds once to the page where the first was skipped, and ends where reading once would', async () => {
    let log: unknown[] = [student(1), student(2), student(3), unknownToOldBuild, student(5), { type: 'student.delete', id: 's1' }];
    const hub = hubWith(() => log);
    const errors: string[] = [];
    expect(await pullAll(db, hub, now, (_l, m) => errors.push(m), '1.0.0')).toBe(5);
    expect(await getMeta(db, 'pullCursor')).toBe(6);
    expect(await getMeta(db, 'pullReplay')).toEqual({ fromCursor: 2, version: '1.0.0' });
    expect(errors).toHaveLength(1);
    expect(await db.exams.count()).toBe(0);

    // The same version again: nothing to read again.
    hub.pull.mockClear();
    await pullAll(db, hub, now, () => {}, '1.0.0');
    expect(hub.pull.mock.calls.map(([c]) => c)).toEqual([6]);

    // Updated: the build that knows the change reads from cursor 2 again (the hub's log played as that build reads it).
    log = [student(1), student(2), student(3), exam, student(5), { type: 'student.delete', id: 's1' }];
    hub.pull.mockClear();
    const lines: string[] = [];
    expect(await pullAll(db, hub, now, (_l, m) => lines.push(m), '1.1.0')).toBe(4);
    expect(hub.pull.mock.calls.map(([c]) => c)).toEqual([2, 4]);
    expect(lines).toEqual(['pull: version 1.1.0 reads again from cursor 2 the changes version 1.0.0 could not read']);
    expect(await db.exams.get('ex-1')).toMatchObject({ title: '第一单元考核' });
    expect((await db.students.toArray()).map((s) => s.id).sort()).toEqual(['s2', 's3', 's5']); // s1 deleted again, as once
    expect(await getMeta(db, 'pullReplay')).toBeUndefined();
    expect(await getMeta(db, 'pullCursor')).toBe(6);

    // And only once.
    hub.pull.mockClear();
    await pullAll(db, hub, now, () => {}, '1.1.0');
    expect(hub.pull.mock.calls.map(([c]) => c)).toEqual([6]);
  });

  it('what the next version still cannot read is kept for the one after, from its first page', async () => {
    const log = [student(1), { type: 'from.the.future' }, student(3), student(4), { type: 'also.new' }];
    const hub = hubWith(() => log);
    await pullAll(db, hub, now, () => {}, '1.0.0');
    expect(await getMeta(db, 'pullReplay')).toEqual({ fromCursor: 0, version: '1.0.0' });
    await pullAll(db, hub, now, () => {}, '1.1.0');
    expect(await getMeta(db, 'pullReplay')).toEqual({ fromCursor: 0, version: '1.1.0' });
    expect(await getMeta(db, 'pullSkipped')).toMatchObject({ count: 4 });
    expect(await db.students.count()).toBe(3);
  });
});
