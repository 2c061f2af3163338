// Ops the hub refused as stamped ahead get fresh timestamps on the corrected clock, with their records and note bases.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeHlc, HLC_AHEAD } from '../../shared/hlc.ts';
import type { Quiz } from '../../shared/protocol.ts';
import { openAppDb, type AppDb } from './app-db.ts';
import { createRecords } from './records-repo.ts';

const YEAR = 365 * 24 * 3600 * 1000;
const REAL = Date.parse('2026-11-25T02:00:00Z');
const QUIZ: Quiz = { id: 'q1', lessonId: 'l1', title: '小测', questions: [{ id: 'q1-1', prompt: '1+1', choices: ['1', '2'], answer: 1 }] };

const dbs: AppDb[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.delete();
});

async function refuseAllAsAhead(db: AppDb, status: 'pending' | 'failed' = 'pending') {
  const lastError = { code: 'rejected' as const, detail: `${HLC_AHEAD}: stamped 31536000 s ahead`, at: new Date(REAL).toISOString() };
  await db.outbox.toCollection().modify({ status, attempts: 3, retryAt: REAL + 60_000, lastError });
}

describe('re-stamping ops refused as ahead', () => {
  it('gives them the corrected time in their order, updates their records and note bases, and makes them pending', async () => {
    const db = openAppDb(`restamp-${crypto.randomUUID()}`);
    dbs.push(db);
    let now = REAL + YEAR; // the PC's clock ran a year fast (the offset it knew was stale)
    const records = createRecords({ db, deviceId: 'dev_a', now: () => new Date((now += 10)) });
    await records.setAttendance('l1', 's1', 'absent');
    const noteId = await records.saveNote({ lessonId: 'l1', anchor: { kind: 'section', section: '导入' }, text: '第一版', pause: false }).then(async () => (await db.notes.toArray())[0]?.noteId ?? '');
    await records.saveNote({ noteId, lessonId: 'l1', anchor: { kind: 'section', section: '导入' }, text: '第二版', pause: false });
    await records.recordAnswer(QUIZ, 'q1-1', 's1', 1);
    await refuseAllAsAhead(db);
    await db.outbox.orderBy('seq').first((row) => row && db.outbox.update(row.seq ?? 0, { status: 'failed' })); // retries used up
    const before = await db.outbox.orderBy('seq').toArray();

    now = REAL; // the push's answer corrected the clock
    expect(await records.restampRefusedAhead()).toBe(4);

    const after = await db.outbox.orderBy('seq').toArray();
    expect(after.map((r) => [r.status, r.attempts, r.retryAt, r.lastError])).toEqual(Array.from({ length: 4 }, () => ['pending', 0, undefined, undefined]));
    const walls = after.map((r) => decodeHlc(r.op.hlc)?.wallMs ?? 0);
    for (const wall of walls) expect(Math.abs(wall - REAL)).toBeLessThan(1000);
    expect([...after.map((r) => r.op.hlc)].sort()).toEqual(after.map((r) => r.op.hlc)); // order kept
    expect(after.map((r) => r.op.id)).toEqual(before.map((r) => r.op.id));

    const [attendance, firstNote, secondNote, answer] = after;
    expect((await db.attendance.get(['l1', 's1']))?.hlc).toBe(attendance?.op.hlc);
    expect(secondNote?.op.type === 'note.put' && secondNote.op.baseHlc).toBe(firstNote?.op.hlc);
    const note = await db.notes.get(noteId);
    expect(note?.current).toMatchObject({ hlc: secondNote?.op.hlc, baseHlc: firstNote?.op.hlc, text: '第二版' });
    expect(note?.known).toEqual([firstNote?.op.hlc, secondNote?.op.hlc]);
    expect((await db.quizAnswers.get(answer?.op.id ?? ''))?.hlc).toBe(answer?.op.hlc);

    // The clock continues from the corrected time, not from the year ahead.
    await records.setAttendance('l1', 's1', 'late');
    const latest = (await db.outbox.orderBy('seq').last())?.op.hlc ?? '';
    expect(Math.abs((decodeHlc(latest)?.wallMs ?? 0) - REAL)).toBeLessThan(1000);
    expect(latest > (answer?.op.hlc ?? '')).toBe(true);
  });

  it('leaves ops refused for other reasons alone', async () => {
    const db = openAppDb(`restamp-${crypto.randomUUID()}`);
    dbs.push(db);
    const records = createRecords({ db, deviceId: 'dev_a', now: () => new Date(REAL) });
    await records.setAttendance('l1', 's9', 'absent');
    await db.outbox.toCollection().modify({ status: 'failed', attempts: 5, lastError: { code: 'rejected', detail: 'student s9 is not on this classroom’s roster', at: new Date(REAL).toISOString() } });
    const before = await db.outbox.toArray();
    expect(await records.restampRefusedAhead()).toBe(0);
    expect(await db.outbox.toArray()).toEqual(before);
  });
});
