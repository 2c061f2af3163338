// What a pushed op may do and the row it stores, written once for both ways a batch is applied: op by op against the
// database (apply-ops.ts) and in bulk against a scope read up front in one statement (apply-bulk.ts). The rules ask a
// Scope (is this lesson on the classroom's timetable, this student on its roster, which quiz, which lesson owns this
// note) and either throw a Rejection with the reason the device is told, or return the row to write.
import { decodeHlc, HLC_AHEAD, MAX_HLC_AHEAD_MS } from '../../../src/shared/hlc.ts';
import { Quiz, type Change, type Op } from '../../../src/shared/protocol.ts';
import type { HubDatabase } from '../../core/db/open-database.ts';
import { inJsonList, jsonParam } from '../../core/db/sql-db.ts';
import type { DeviceRow } from '../org/org-repo.ts';

import { Rejection } from './op-rejection.ts';

// The one Rejection class (practice-apply.ts throws it too): applyPush tells a named refusal from a fault by instanceof.
export { Rejection };

export type Scope = {
  lessonOnTimetable(lessonId: string): Promise<boolean>;
  studentOnRoster(studentId: string): Promise<boolean>;
  /** The quiz of that lesson, parsed (throws when the stored body is damaged: an unexpected failure, not a rule). */
  quiz(quizId: string, lessonId: string): Promise<Quiz | undefined>;
  /** The lesson a note's versions belong to, if it has any. */
  noteLesson(noteId: string): Promise<string | undefined>;
};

export type OpKind = Op['type'];
export type BulkOp = Extract<Op, { type: 'attendance.set' | 'note.put' | 'quiz.answer' | 'quiz.tally' | 'practice.attempt' }>;
export type PracticeAttemptOp = Extract<Op, { type: 'practice.attempt' }>;
/** Op types the bulk path applies; any other type (a new one, exam.submit) goes through applyOp, op by op. */
export const BULK_TYPES: ReadonlySet<OpKind> = new Set<BulkOp['type']>(['attendance.set', 'note.put', 'quiz.answer', 'quiz.tally', 'practice.attempt']);
export const isBulkOp = (op: Op): op is BulkOp => BULK_TYPES.has(op.type);

export type AttendanceRow = { lesson_id: string; student_id: string; status: string; hlc: string; device_id: string };
export type NoteRow = {
  note_id: string;
  hlc: string;
  base_hlc: string | null;
  merges: string;
  lesson_id: string;
  classroom_id: string;
  anchor: string;
  text: string;
  pause: number;
  deleted: number;
  device_id: string;
};
export type QuizAnswerRow = {
  op_id: string;
  lesson_id: string;
  quiz_id: string;
  question_id: string;
  student_id: string | null;
  choice: number | null;
  correct: number;
  total: number;
  hlc: string;
  classroom_id: string;
  device_id: string;
};
export type PracticeAttemptRow = {
  op_id: string;
  classroom_id: string;
  lesson_id: string;
  quiz_id: string;
  question_id: string;
  student_id: string;
  choice: number;
  correct: number;
  seconds: number;
  hlc: string;
  device_id: string;
};
export type OpWrite =
  | { kind: 'attendance'; row: AttendanceRow }
  | { kind: 'note'; row: NoteRow; change: Change }
  | { kind: 'quiz'; row: QuizAnswerRow }
  | { kind: 'practice'; row: PracticeAttemptRow };

/** The checks every op passes first: a readable HLC not too far ahead, a lesson on the classroom's timetable. */
export async function checkCommon(scope: Scope, op: Op, now: Date) {
  const hlc = decodeHlc(op.hlc);
  if (!hlc) throw new Rejection('malformed hlc');
  // A clock running fast would win every later last-writer-wins merge of this record: the client re-stamps and resends.
  const aheadMs = hlc.wallMs - now.getTime();
  if (aheadMs > MAX_HLC_AHEAD_MS) throw new Rejection(`${HLC_AHEAD}: stamped ${Math.round(aheadMs / 1000)} s ahead of the hub clock ${now.toISOString()}`);
  if (!(await scope.lessonOnTimetable(op.lessonId))) throw new Rejection(`lesson ${op.lessonId} is not on this classroom's timetable`);
}

/** Refuses a student not on the classroom's roster (the check a new op type naming a student reuses). */
export async function onRoster(scope: Scope, studentId: string) {
  if (!(await scope.studentOnRoster(studentId))) throw new Rejection(`student ${studentId} is not on this classroom's roster`);
}

/** The row a bulk-applied op writes, after checkCommon; throws a Rejection when a rule refuses it. */
export async function opWrite(scope: Scope, device: DeviceRow, op: BulkOp): Promise<OpWrite> {
  switch (op.type) {
    case 'attendance.set':
      await onRoster(scope, op.studentId);
      return { kind: 'attendance', row: { lesson_id: op.lessonId, student_id: op.studentId, status: op.status, hlc: op.hlc, device_id: device.id } };
    case 'note.put': {
      const owner = await scope.noteLesson(op.noteId);
      if (owner !== undefined && owner !== op.lessonId) throw new Rejection('note belongs to another lesson');
      const row: NoteRow = {
        note_id: op.noteId,
        hlc: op.hlc,
        base_hlc: op.baseHlc,
        merges: JSON.stringify(op.merges),
        lesson_id: op.lessonId,
        classroom_id: device.classroom_id,
        anchor: JSON.stringify(op.anchor),
        text: op.text,
        pause: Number(op.pause),
        deleted: Number(op.deleted),
        device_id: device.id,
      };
      const note = { noteId: op.noteId, lessonId: op.lessonId, hlc: op.hlc, baseHlc: op.baseHlc, merges: op.merges, anchor: op.anchor, text: op.text, pause: op.pause, deleted: op.deleted };
      return { kind: 'note', row, change: { type: 'note.version', note: { ...note, deviceId: device.id } } };
    }
    case 'quiz.answer':
    case 'quiz.tally': {
      const quiz = await scope.quiz(op.quizId, op.lessonId);
      if (!quiz) throw new Rejection(`quiz ${op.quizId} is not part of lesson ${op.lessonId}`);
      const question = quiz.questions.find((q) => q.id === op.questionId);
      if (!question) throw new Rejection(`question ${op.questionId} is not in quiz ${op.quizId}`);
      const row = { op_id: op.id, lesson_id: op.lessonId, quiz_id: op.quizId, question_id: op.questionId, hlc: op.hlc, classroom_id: device.classroom_id, device_id: device.id };
      if (op.type === 'quiz.answer') {
        await onRoster(scope, op.studentId);
        if (op.choice >= question.choices.length) throw new Rejection('choice out of range');
        return { kind: 'quiz', row: { ...row, student_id: op.studentId, choice: op.choice, correct: Number(op.choice === question.answer), total: 1 } };
      }
      if (op.correct > op.total) throw new Rejection('more correct answers than answers');
      return { kind: 'quiz', row: { ...row, student_id: null, choice: null, correct: op.correct, total: op.total } };
    }
    case 'practice.attempt':
      return { kind: 'practice', row: await practiceAttemptRow(scope, device, op) };
  }
}

/**
 * A student's 练习 attempt (both paths: here in bulk, practice-apply.ts op by op): the student on the roster, the quiz
 * part of the lesson, the question in it, the choice in range — checked in that order — and right/wrong scored from
 * the hub's own quiz, never taken from the device.
 */
export async function practiceAttemptRow(scope: Scope, device: DeviceRow, op: PracticeAttemptOp): Promise<PracticeAttemptRow> {
  await onRoster(scope, op.studentId);
  const quiz = await scope.quiz(op.quizId, op.lessonId);
  if (!quiz) throw new Rejection(`quiz ${op.quizId} is not part of lesson ${op.lessonId}`);
  const question = quiz.questions.find((q) => q.id === op.questionId);
  if (!question) throw new Rejection(`question ${op.questionId} is not in quiz ${op.quizId}`);
  if (op.choice >= question.choices.length) throw new Rejection('choice out of range');
  return {
    op_id: op.id,
    classroom_id: device.classroom_id,
    lesson_id: op.lessonId,
    quiz_id: op.quizId,
    question_id: op.questionId,
    student_id: op.studentId,
    choice: op.choice,
    correct: Number(op.choice === question.answer),
    seconds: op.s,
    hlc: op.hlc,
    device_id: device.id,
  };
}

// Op by op, a day offline sends thousands of attempts on the same few quizzes: each stored body is parsed once, not
// per op (a damaged body is not kept: it throws again for every op that asks for it).
const parsedQuizzes = new Map<string, Quiz>();
function parseQuiz(body: string): Quiz {
  let quiz = parsedQuizzes.get(body);
  if (!quiz) {
    quiz = Quiz.parse(JSON.parse(body));
    if (parsedQuizzes.size >= 256) parsedQuizzes.clear();
    parsedQuizzes.set(body, quiz);
  }
  return quiz;
}

/**
 * On PostgreSQL the record tables have no foreign keys (migration 15): a push holds the lessons it checked with
 * FOR KEY SHARE until it commits, so deleting one (which locks it FOR UPDATE, then looks for records) waits for the
 * push's rows, and a push arriving after the delete finds the lesson gone. SQLite's keys still check each row.
 */
const keyShare = (db: Pick<HubDatabase, 'dialect'>) => (db.dialect === 'postgres' ? ' FOR KEY SHARE' : '');

/** Whether the lesson is on the classroom's timetable, holding it as above. */
async function holdLesson(db: HubDatabase, lessonId: string, classroomId: string): Promise<boolean> {
  const held = await db.get(
    `SELECT 1 FROM lessons l JOIN lesson_audience a ON a.lesson_id = l.id WHERE l.id = ? AND a.classroom_id = ?${db.dialect === 'postgres' ? ' FOR KEY SHARE OF l' : ''}`,
    [lessonId, classroomId],
  );
  return held !== undefined;
}

/** The scope asked of the database, one question at a time (the op-by-op path). */
export function liveScope(db: HubDatabase, classroomId: string): Scope {
  return {
    lessonOnTimetable: (lessonId) => holdLesson(db, lessonId, classroomId),
    studentOnRoster: async (studentId) => (await db.get(`SELECT 1 FROM students WHERE id = ? AND classroom_id = ?`, [studentId, classroomId])) !== undefined,
    quiz: async (quizId, lessonId) => {
      const row = await db.get<{ body: string }>(`SELECT body FROM quizzes WHERE id = ? AND lesson_id = ?`, [quizId, lessonId]);
      return row ? parseQuiz(row.body) : undefined;
    },
    noteLesson: async (noteId) => (await db.get<{ lesson_id: string }>(`SELECT lesson_id FROM note_versions WHERE note_id = ? LIMIT 1`, [noteId]))?.lesson_id,
  };
}

/** A batch's scope read in one statement, plus which of its op ids are applied already; notes it adds are noted. */
export type BatchScope = Scope & { readonly appliedIds: ReadonlySet<string>; noteAdded(noteId: string, lessonId: string): void };

export async function readBatchScope(db: HubDatabase, classroomId: string, ops: readonly BulkOp[]): Promise<BatchScope> {
  const ids = (pick: (op: BulkOp) => string | undefined) => jsonParam([...new Set(ops.map(pick).filter((id) => id !== undefined))]);
  // The batch's lessons are held until the push commits (see holdLesson below).
  const rows = await db.all<{ kind: string; k: string; v: string | null }>(
    `WITH held AS (SELECT id FROM lessons WHERE ${inJsonList(db, 'id')}${keyShare(db)})
     SELECT 'op' AS kind, op_id AS k, CAST(NULL AS TEXT) AS v FROM applied_ops WHERE ${inJsonList(db, 'op_id')}
     UNION ALL SELECT 'lesson', lesson_id, NULL FROM lesson_audience WHERE classroom_id = ? AND lesson_id IN (SELECT id FROM held)
     UNION ALL SELECT 'student', id, NULL FROM students WHERE classroom_id = ? AND ${inJsonList(db, 'id')}
     UNION ALL SELECT 'quiz', id || ' ' || lesson_id, body FROM quizzes WHERE ${inJsonList(db, 'id')}
     UNION ALL SELECT 'note', note_id, min(lesson_id) FROM note_versions WHERE ${inJsonList(db, 'note_id')} GROUP BY note_id`,
    [
      ids((op) => op.lessonId),
      ids((op) => op.id),
      classroomId,
      classroomId,
      ids((op) => ('studentId' in op ? op.studentId : undefined)),
      ids((op) => ('quizId' in op ? op.quizId : undefined)),
      ids((op) => (op.type === 'note.put' ? op.noteId : undefined)),
    ],
  );
  const keys = (kind: string) => new Set(rows.filter((r) => r.kind === kind).map((r) => r.k));
  const [appliedIds, lessons, students] = [keys('op'), keys('lesson'), keys('student')];
  const quizBodies = new Map(rows.filter((r) => r.kind === 'quiz').map((r) => [r.k, r.v ?? '']));
  const notes = new Map<string, string>();
  for (const r of rows) if (r.kind === 'note' && r.v !== null && !notes.has(r.k)) notes.set(r.k, r.v);
  // Parsed once per quiz; a damaged body throws for every op that asks for it, as it does op by op.
  const parsed = new Map<string, { quiz: Quiz } | { error: unknown }>();
  return {
    appliedIds,
    lessonOnTimetable: async (lessonId) => lessons.has(lessonId),
    studentOnRoster: async (studentId) => students.has(studentId),
    quiz: async (quizId, lessonId) => {
      const key = `${quizId} ${lessonId}`;
      const body = quizBodies.get(key);
      if (body === undefined) return undefined;
      let entry = parsed.get(key);
      if (!entry) {
        try {
          entry = { quiz: parseQuiz(body) };
        } catch (error) {
          entry = { error };
        }
        parsed.set(key, entry);
      }
      if ('error' in entry) throw entry.error;
      return entry.quiz;
    },
    noteLesson: async (noteId) => notes.get(noteId),
    noteAdded: (noteId, lessonId) => void (notes.has(noteId) || notes.set(noteId, lessonId)),
  };
}
