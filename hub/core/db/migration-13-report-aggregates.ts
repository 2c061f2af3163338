// Migration 13: the report's aggregates per (lesson, classroom), kept up to date incrementally (hub/report/
// report-aggregates.ts). A push that applies attendance or answers marks its pairs in report_dirty; the report
// recomputes only marked pairs. Every pair a hub already holds starts marked: an upgraded hub backfills at start, in the
// background, a bounded chunk a transaction (report-refresher.ts); its reports say how many pairs are still pending.
import type { Migration } from './migrations.ts';

export const migration13ReportAggregates: Migration = {
  version: 13,
  name: 'report aggregates per lesson and classroom, and the marks of pairs to recompute',
  sql: `
        -- mark: a fresh random token per marking, so a recomputation deletes a mark only if nobody marked it again.
        CREATE TABLE report_dirty (
          lesson_id TEXT NOT NULL,
          classroom_id TEXT NOT NULL,
          mark TEXT NOT NULL,
          PRIMARY KEY (lesson_id, classroom_id)
        );
        CREATE TABLE report_class_lesson (
          lesson_id TEXT NOT NULL,
          classroom_id TEXT NOT NULL,
          present INTEGER NOT NULL,
          absent INTEGER NOT NULL,
          late INTEGER NOT NULL,
          leave INTEGER NOT NULL,
          recorded INTEGER NOT NULL,
          quiz_answered INTEGER,   -- NULL: no answer recorded (the report shows no 随堂测)
          quiz_correct INTEGER,
          need_help TEXT NOT NULL, -- JSON array of student names below NEED_HELP_BELOW
          need_help_count INTEGER NOT NULL, -- its length, so the summary adds it up in SQL
          PRIMARY KEY (lesson_id, classroom_id)
        );
        CREATE TABLE report_question (
          lesson_id TEXT NOT NULL,
          classroom_id TEXT NOT NULL,
          quiz_id TEXT NOT NULL,
          question_id TEXT NOT NULL,
          answered INTEGER NOT NULL,
          correct INTEGER NOT NULL,
          PRIMARY KEY (lesson_id, classroom_id, quiz_id, question_id)
        );
        -- The recomputation reads a pair's answers and marks from these indexes alone (the same leading columns as
        -- migration 12's, so every query that used those still does): rows fetched from the tables were scattered
        -- over the file, one page read each, most of a recomputation's time.
        DROP INDEX quiz_answers_classroom;
        CREATE INDEX quiz_answers_classroom ON quiz_answers (classroom_id, lesson_id, quiz_id, question_id, student_id, hlc, correct, total);
        DROP INDEX attendance_student;
        CREATE INDEX attendance_student ON attendance (student_id, lesson_id, status);
        INSERT INTO report_dirty (lesson_id, classroom_id, mark) SELECT lesson_id, classroom_id, 'migration-13' FROM lesson_audience;`,
};
