// A push on PostgreSQL costs a few round trips whatever its size (one read, one claim, one write per table), and
// gives what applying its ops one by one in order gives: attendance by newest HLC (the earliest of equal ones), a
// repeated op id applied once, a refused op rejected alone, note versions announced in order. When a bulk statement
// fails, the batch is applied op by op and only the op at fault is rejected.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { encodeHlc } from '../../../src/shared/hlc.ts';
import type { Op, OpAck } from '../../../src/shared/protocol.ts';
import { createDatabase } from '../../../tests/support/postgres-server.ts';
import { openPostgres } from '../../core/db/open-database.ts';
import type { SqlDb } from '../../core/db/sql-db.ts';
import { seedDemo } from '../demo/seed-demo.ts';
import { enrollDevice } from '../org/enroll-device.ts';
import { valueOrThrow } from '../../core/http/hub-error.ts';
import { findDeviceByTokenHash, type DeviceRow } from '../org/org-repo.ts';
import { hashToken } from '../org/tokens.ts';
import { countingDb } from '../../testing/counting-db.ts';
import { changesSince } from '../timetable/change-log.ts';
import { applyPush, applyPushOpByOp } from './apply-ops.ts';

const NOW = new Date('2026-11-25T02:00:00Z');
const LESSON = 'les-j7-0-0';
const QUIZ = 'quiz-j7-0-0';
const STUDENTS = Array.from({ length: 12 }, (_, i) => `stu-zj-7-1-${String(i + 1).padStart(2, '0')}`);
const STATUSES = ['present', 'absent', 'late', 'leave'] as const;

let db: SqlDb;
let device: DeviceRow;
beforeAll(async () => {
  db = await openPostgres(await createDatabase(inject('postgresUrl')), { max: 2 });
  await seedDemo(db, NOW);
  const { device: enrolled } = valueOrThrow(await enrollDevice(db, { code: 'DEMO-ZJ-1', deviceName: 'pc', now: NOW }));
  const found = await findDeviceByTokenHash(db, hashToken(enrolled.token));
  if (!found) throw new Error('device missing');
  device = found;
});
afterAll(() => db.close());

/** 2000 ops of every kind; attendance HLCs repeat, within a student too, so ties must go to the earliest. */
function mixedBatch(tag: string): Op[] {
  return Array.from({ length: 2000 }, (_, i): Op => {
    if (i % 7 === 6) return practiceAttempt(tag, i);
    const hlc = encodeHlc({ wallMs: NOW.getTime() - 600_000 + ((i * 7919) % 40), counter: 0, node: 'dev_bulk' });
    const base = { id: `${tag}-${i}`, seq: i + 1, hlc, lessonId: LESSON };
    const studentId = STUDENTS[(i + Math.floor(i / 6)) % STUDENTS.length] ?? '';
    switch (i % 6) {
      case 3:
        return { ...base, type: 'quiz.answer', quizId: QUIZ, questionId: 'q1', studentId, choice: i % 4 };
      case 4:
        return { ...base, type: 'note.put', noteId: `${tag}-note-${i % 50}`, baseHlc: null, merges: [], anchor: { kind: 'time', seconds: i }, text: `笔记${i}`, pause: false, deleted: false };
      case 5:
        return { ...base, type: 'quiz.tally', quizId: QUIZ, questionId: 'q1', correct: i % 30, total: 30 };
      default:
        return { ...base, type: 'attendance.set', studentId, status: STATUSES[i % 4] ?? 'present' };
    }
  });
}

function practiceAttempt(tag: string, i: number): Op {
  const hlc = encodeHlc({ wallMs: NOW.getTime() - 600_000 + (i % 40), counter: 0, node: 'dev_bulk' });
  const studentId = STUDENTS[i % STUDENTS.length] ?? '';
  return { id: `${tag}-${i}`, seq: i + 1, hlc, lessonId: LESSON, type: 'practice.attempt', quizId: QUIZ, questionId: `q${1 + (Math.floor(i / 28) % 2)}`, studentId, choice: Math.floor(i / 7) % 4, s: i % 60 };
}

const statusOf = (acks: OpAck[]) => acks.reduce<Record<string, number>>((n, a) => ({ ...n, [a.status]: (n[a.status] ?? 0) + 1 }), {});

describe('push in bulk on PostgreSQL', () => {
  it('applies a 2000-op mixed batch in at most 11 round trips (one marks the report pairs), as applying its ops one by one would', async () => {
    const ops = mixedBatch('bulk');
    const stranger: Op = { id: 'bulk-stranger', seq: 9999, hlc: ops[0]?.hlc ?? '', type: 'attendance.set', lessonId: LESSON, studentId: 'stu-not-here', status: 'late' };
    const batch = [...ops.slice(0, 1998), stranger, ops[0] as Op]; // a refused op, and an op id a second time
    const counted = countingDb(db);
    const { seq: cursor } = (await db.get<{ seq: number }>(`SELECT coalesce(max(seq), 0) AS seq FROM changes`)) ?? { seq: 0 };

    const acks = await applyPush(counted.db, device, batch, NOW);
    // BEGIN, the classroom lock, the scope read, the claim, attendance, quiz answers, practice attempts, note versions,
    // change log, the report marks, COMMIT (op by op, each of the ~285 practice attempts alone took 5).
    expect(counted.count).toBeLessThanOrEqual(11);
    expect(acks.map((a) => a.id)).toEqual(batch.map((op) => op.id));
    expect(statusOf(acks)).toEqual({ applied: 1998, rejected: 1, duplicate: 1 });
    expect(acks[1998]).toEqual({ id: 'bulk-stranger', status: 'rejected', reason: `student stu-not-here is not on this classroom's roster` });

    const applied = ops.slice(0, 1998);
    for (const studentId of STUDENTS) {
      const mine = applied.filter((op) => op.type === 'attendance.set' && op.studentId === studentId);
      const newest = mine.reduce((best, op) => (op.hlc > best.hlc ? op : best));
      const row = await db.get<{ status: string; hlc: string }>(`SELECT status, hlc FROM attendance WHERE lesson_id = ? AND student_id = ?`, [LESSON, studentId]);
      expect(row).toEqual({ status: newest.type === 'attendance.set' ? newest.status : '', hlc: newest.hlc });
    }
    const count = async (sql: string) => (await db.get<{ n: number }>(sql, ['bulk-%']))?.n;
    expect(await count(`SELECT count(*) AS n FROM quiz_answers WHERE op_id LIKE ?`)).toBe(applied.filter((op) => op.type.startsWith('quiz.')).length);
    expect(await count(`SELECT count(*) AS n FROM note_versions WHERE note_id LIKE ?`)).toBe(
      new Set(applied.flatMap((op) => (op.type === 'note.put' ? [`${op.noteId} ${op.hlc}`] : []))).size, // a version stored already is kept as it is
    );
    // Scored from the hub's own quiz, not taken from the device.
    const quizBody = await db.get<{ body: string }>(`SELECT body FROM quizzes WHERE id = ?`, [QUIZ]);
    const key = new Map((JSON.parse(quizBody?.body ?? '{}') as { questions: { id: string; answer: number }[] }).questions.map((q) => [q.id, q.answer]));
    const attempts = await db.all<{ op_id: string; student_id: string; choice: number; correct: number; seconds: number }>(
      `SELECT op_id, student_id, choice, correct, seconds FROM practice_attempts WHERE op_id LIKE ? ORDER BY op_id`,
      ['bulk-%'],
    );
    const expected = applied.flatMap((op) =>
      op.type === 'practice.attempt' ? [{ op_id: op.id, student_id: op.studentId, choice: op.choice, correct: Number(key.get(op.questionId) === op.choice), seconds: op.s }] : [],
    );
    expect(expected.length).toBeGreaterThan(250);
    expect(attempts).toEqual(expected.sort((a, b) => (a.op_id < b.op_id ? -1 : 1)));
    expect(new Set(attempts.map((a) => a.correct))).toEqual(new Set([0, 1]));
    const log = await changesSince(db, device.classroom_id, cursor, 5000);
    expect(log.changes.map((c) => (c.type === 'note.version' ? `${c.note.noteId} ${c.note.hlc}` : c.type))).toEqual(
      applied.flatMap((op) => (op.type === 'note.put' ? [`${op.noteId} ${op.hlc}`] : [])),
    );

    // The same batch again: all acknowledged as duplicates (the refused op refused again), nothing written.
    counted.reset();
    const again = await applyPush(counted.db, device, batch, NOW);
    expect(statusOf(again)).toEqual({ duplicate: 1999, rejected: 1 });
    expect(counted.count).toBeLessThanOrEqual(4);
  });

  it('refuses practice attempts in bulk with the reasons op by op gives, in the same order of rules', async () => {
    const attempt = (i: number, change: Partial<Extract<Op, { type: 'practice.attempt' }>>): Op => ({ ...(practiceAttempt('refuse', i) as Extract<Op, { type: 'practice.attempt' }>), ...change });
    const refused = [
      attempt(0, { studentId: 'stu-not-here', quizId: 'quiz-nowhere' }), // the roster is checked first
      attempt(1, { quizId: 'quiz-nowhere' }),
      attempt(2, { questionId: 'q99' }),
      attempt(3, { choice: 7 }),
    ];
    const reasons = [
      `student stu-not-here is not on this classroom's roster`,
      `quiz quiz-nowhere is not part of lesson ${LESSON}`,
      `question q99 is not in quiz ${QUIZ}`,
      'choice out of range',
    ];
    const ok = attempt(4, {});
    const fallbacks: unknown[] = [];
    const bulk = await applyPush(db, device, [...refused, ok], NOW, undefined, (error) => fallbacks.push(error));
    expect(fallbacks).toEqual([]);
    expect(bulk).toEqual([...refused.map((op, i) => ({ id: op.id, status: 'rejected', reason: reasons[i] })), { id: ok.id, status: 'applied' }]);
    // Op by op (the fallback) gives the same answers: refused again, and the applied one a duplicate.
    const one = await applyPushOpByOp(db, device, [...refused, ok], NOW);
    expect(one).toEqual([...bulk.slice(0, 4), { id: ok.id, status: 'duplicate' }]);
    expect(await db.all(`SELECT op_id FROM practice_attempts WHERE op_id LIKE ?`, ['refuse-%'])).toEqual([{ op_id: ok.id }]);
  });

  it('applies the batch op by op when a bulk statement fails, rejecting only the op at fault', async () => {
    const [first, second, third] = mixedBatch('fallback');
    if (!first || !second || !third) throw new Error('batch too short');
    // A seq past PostgreSQL's INTEGER column: the batch's one claim statement fails, then only this op's own claim.
    const bad: Op = { ...second, seq: 2 ** 31 };
    const unexpected: string[] = [];
    const fallbacks: unknown[] = [];
    const acks = await applyPush(db, device, [first, bad, third], NOW, (op) => unexpected.push(op.id), (error) => fallbacks.push(error));
    expect(acks.map((a) => [a.id, a.status])).toEqual([
      [first.id, 'applied'],
      [bad.id, 'rejected'],
      [third.id, 'applied'],
    ]);
    expect(acks[1]).toMatchObject({ reason: expect.stringMatching(/^internal error: error: .*out of range/) as string });
    expect(unexpected).toEqual([bad.id]);
    expect(fallbacks).toHaveLength(1);
    expect(await db.get(`SELECT 1 FROM applied_ops WHERE op_id = ?`, [bad.id])).toBeUndefined();
  });

  it('stores a lone UTF-16 surrogate as U+FFFD in bulk, as the driver stores a plain string (no fallback)', async () => {
    const [, , , , note] = mixedBatch('surrogate');
    if (note?.type !== 'note.put') throw new Error('op 4 is a note');
    const fallbacks: unknown[] = [];
    const acks = await applyPush(db, device, [{ ...note, text: 'a\uD800b' }], NOW, undefined, (error) => fallbacks.push(error));
    expect(acks).toEqual([{ id: note.id, status: 'applied' }]);
    expect(fallbacks).toEqual([]);
    expect(await db.get(`SELECT text FROM note_versions WHERE note_id = ?`, [note.noteId])).toEqual({ text: 'a\uFFFDb' });
  });
});
