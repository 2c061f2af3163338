// Migration 15 (PostgreSQL): the record tables a push fills — attendance, quiz answers, practice attempts, note
// versions — lose their foreign keys. Each inserted row ran one trigger per key (a query and a row lock on the lesson,
// student, quiz or classroom: ~900 000 for a school day, every one of the 1 200 classrooms' pushes locking the same
// few lesson rows): 20 of PostgreSQL's 76 CPU-seconds in `npm run load` (README, Figures). What they guarded still
// holds, by construction:
// - a push checks every op's lesson (on the classroom's timetable), student (on its roster), quiz and note before it
//   writes (op-rules.ts), and holds the lesson rows it checked (FOR KEY SHARE) until it commits;
// - deleting a lesson locks it first and refuses while any record points at it (timetable-repo.ts deleteLesson);
// - students, quizzes and classrooms are never deleted (a lesson's quizzes and exams keep their keys, and keep the
//   lesson too).
// SQLite (one node) keeps its keys: dropping one there means rebuilding the table, for checks that cost an in-process
// B-tree lookup.
import type { Migration } from './migrations.ts';

/** The foreign keys dropped, as PostgreSQL names them (pg-migrate.pg.test.ts checks they are gone and no other). */
export const droppedRecordKeys = {
  attendance: ['attendance_lesson_id_fkey', 'attendance_student_id_fkey'],
  quiz_answers: ['quiz_answers_quiz_id_fkey'],
  practice_attempts: ['practice_attempts_classroom_id_fkey', 'practice_attempts_lesson_id_fkey', 'practice_attempts_quiz_id_fkey', 'practice_attempts_student_id_fkey'],
  note_versions: ['note_versions_lesson_id_fkey', 'note_versions_classroom_id_fkey'],
} as const;

export const migration15RecordsWithoutHotKeys: Migration = {
  version: 15,
  name: 'record tables without per-row foreign keys on PostgreSQL (pushes check and hold what they point at)',
  sql: `SELECT 1;`,
  postgres: Object.entries(droppedRecordKeys)
    .map(([table, keys]) => `ALTER TABLE ${table} ${keys.map((k) => `DROP CONSTRAINT IF EXISTS ${k}`).join(', ')};`)
    .join('\n'),
};
