// One op that fails for a reason the rules do not name (a damaged stored quiz, a constraint, a failing change-log
// write) is rejected on its own — over real HTTP into a real SQLite file — while the ops around it apply, and it leaves
// no row behind; the same op applies once the cause is gone. Only a failure that makes SQLite drop the whole
// transaction fails the batch, and then nothing of the batch is stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHlc } from '../../../src/shared/hlc.ts';
import { PushResponse, type Op } from '../../../src/shared/protocol.ts';
import { startTestHub, type TestHub } from '../../testing/test-hub.ts';
import type { SqliteDb } from '../../core/db/sqlite-db.ts';

// SQLite's own triggers and RAISE stand in for failures here: this file runs on the SQLite store only.
const raw = () => (hub.db as SqliteDb).raw;

let hub: TestHub;
let token: string;
beforeAll(async () => {
  hub = await startTestHub();
  token = (await hub.enroll('DEMO-ZJ-1')).device.token;
});
afterAll(() => hub.close());

const LESSON = 'les-j7-0-0';
const QUIZ = 'quiz-j7-0-0';
let n = 0;
const base = () => ({ id: `iso-${process.pid}-${++n}`, seq: n, hlc: encodeHlc({ wallMs: 50_000 + n, counter: 0, node: 'dev_iso' }) });
const attendance = (studentId: string): Op => ({ ...base(), type: 'attendance.set', lessonId: LESSON, studentId, status: 'late' });
const answer = (studentId: string): Op => ({ ...base(), type: 'quiz.answer', lessonId: LESSON, quizId: QUIZ, questionId: 'q1', studentId, choice: 1 });
const note = (text: string): Op => ({
  ...base(), type: 'note.put', noteId: `note-iso-${n}`, lessonId: LESSON, baseHlc: null, merges: [], anchor: { kind: 'time', seconds: 60 }, text, pause: false, deleted: false,
});

const TABLES = ['applied_ops', 'attendance', 'note_versions', 'quiz_answers', 'quizzes', 'changes'] as const;
type Dump = Record<(typeof TABLES)[number], string[]>;
/** Every row of the tables a push may touch, as JSON lines (rowid order), to compare before and after. */
function dump(): Dump {
  return Object.fromEntries(TABLES.map((t) => [t, raw().prepare(`SELECT * FROM ${t} ORDER BY rowid`).all().map((r: unknown) => JSON.stringify(r))])) as Dump;
}
function added(before: Dump, after: Dump) {
  return Object.fromEntries(TABLES.map((t) => [t, after[t].filter((r) => !before[t].includes(r)).length]));
}
function removed(before: Dump, after: Dump) {
  return TABLES.flatMap((t) => before[t].filter((r) => !after[t].includes(r)));
}

async function push(ops: unknown[]) {
  const res = await hub.call('/v1/sync/push', { method: 'POST', token, json: { ops } });
  return res;
}

type Case = {
  name: string;
  /** Breaks the hub's own data or schema so that `bad` fails for an unnamed reason; returns the repair. */
  sabotage: () => () => void;
  bad: () => Op;
  reason: RegExp;
};

const cases: Case[] = [
  {
    name: 'a stored quiz whose body is no longer JSON',
    sabotage: () => {
      const { body } = raw().prepare(`SELECT body FROM quizzes WHERE id = ?`).get(QUIZ) as { body: string };
      raw().prepare(`UPDATE quizzes SET body = '{"questions":' WHERE id = ?`).run(QUIZ);
      return () => raw().prepare(`UPDATE quizzes SET body = ? WHERE id = ?`).run(body, QUIZ);
    },
    bad: () => answer('stu-zj-7-1-10'),
    reason: /^internal error: SyntaxError/,
  },
  {
    name: 'a stored quiz of the wrong shape',
    sabotage: () => {
      const { body } = raw().prepare(`SELECT body FROM quizzes WHERE id = ?`).get(QUIZ) as { body: string };
      raw().prepare(`UPDATE quizzes SET body = '{"questions":"none"}' WHERE id = ?`).run(QUIZ);
      return () => raw().prepare(`UPDATE quizzes SET body = ? WHERE id = ?`).run(body, QUIZ);
    },
    bad: () => answer('stu-zj-7-1-11'),
    reason: /^internal error: ZodError/,
  },
  {
    name: 'a constraint that refuses the attendance row',
    sabotage: () => {
      raw().exec(`CREATE TRIGGER iso_refuse BEFORE INSERT ON attendance WHEN NEW.student_id = 'stu-zj-7-1-12' BEGIN SELECT RAISE(ABORT, 'refused by a constraint'); END`);
      return () => raw().exec(`DROP TRIGGER iso_refuse`);
    },
    bad: () => attendance('stu-zj-7-1-12'),
    reason: /^internal error: SqliteError: refused by a constraint/,
  },
  {
    name: 'the change-log write failing after the note version was inserted (the savepoint undoes both)',
    sabotage: () => {
      raw().exec(`CREATE TRIGGER iso_refuse BEFORE INSERT ON changes WHEN NEW.payload LIKE '%破坏%' BEGIN SELECT RAISE(ABORT, 'change log refused'); END`);
      return () => raw().exec(`DROP TRIGGER iso_refuse`);
    },
    bad: () => note('这条笔记会破坏写入'),
    reason: /^internal error: SqliteError: change log refused/,
  },
];

describe('push: an op that fails unexpectedly is rejected alone', () => {
  it.each(cases)('$name', async (c) => {
    const { sabotage, bad, reason } = c;
    const before = dump();
    const repair = sabotage();
    // Students no other case touches, so the good ops' rows are new rows.
    const [first, middle, last] = [attendance(`stu-zj-7-1-${20 + 2 * cases.indexOf(c)}`), bad(), attendance(`stu-zj-7-1-${21 + 2 * cases.indexOf(c)}`)];
    let res;
    try {
      res = await push([first, middle, last]);
    } finally {
      repair();
    }
    expect(res.status).toBe(200);
    const acks = PushResponse.parse(res.body).acks;
    expect(acks.map((a) => [a.id, a.status])).toEqual([
      [first.id, 'applied'],
      [middle.id, 'rejected'],
      [last.id, 'applied'],
    ]);
    expect(acks[1]).toMatchObject({ reason: expect.stringMatching(reason) as string });
    const after = dump();
    // Nothing stored before was changed or lost; the only new rows are the two good ops (attendance + applied id).
    expect(removed(before, after)).toEqual([]);
    expect(added(before, after)).toEqual({ applied_ops: 2, attendance: 2, note_versions: 0, quiz_answers: 0, quizzes: 0, changes: 0 });
    expect(raw().prepare(`SELECT 1 FROM applied_ops WHERE op_id = ?`).get(middle.id)).toBeUndefined();

    // Once the cause is repaired, the device's retry of the same op applies.
    const retry = PushResponse.parse((await push([middle])).body).acks;
    expect(retry).toEqual([{ id: middle.id, status: 'applied' }]);
  });

  it('a failure that makes SQLite drop the transaction fails the whole batch and stores none of it', async () => {
    raw().exec(`CREATE TRIGGER iso_rollback BEFORE INSERT ON attendance WHEN NEW.student_id = 'stu-zj-7-1-13' BEGIN SELECT RAISE(ROLLBACK, 'storage gave up'); END`);
    const before = dump();
    const ops = [attendance('stu-zj-7-1-30'), attendance('stu-zj-7-1-13'), attendance('stu-zj-7-1-31')];
    let res;
    try {
      res = await push(ops);
    } finally {
      raw().exec(`DROP TRIGGER iso_rollback`);
    }
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'internal', message: 'internal error' } });
    expect(dump()).toEqual(before);
    // The hub keeps working: the same batch applies in full afterwards.
    expect(PushResponse.parse((await push(ops)).body).acks.map((a) => a.status)).toEqual(['applied', 'applied', 'applied']);
  });
});
