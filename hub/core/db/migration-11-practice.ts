// Migration 11: students' 练习 attempts and 考核 (timed tests) — see hub/features/practice/practice-apply.ts and exam-repo.ts.
import type { Migration } from './migrations.ts';

export const migration11Practice: Migration = {
  version: 11,
  name: 'students practise and take tests: practice attempts, exams (with their key), submissions, released results',
  sql: `
        -- Append-only, one row per applied practice.attempt op; right/wrong scored here from the quiz, not trusted.
        CREATE TABLE practice_attempts (
          op_id TEXT PRIMARY KEY,
          classroom_id TEXT NOT NULL REFERENCES classrooms(id),
          lesson_id TEXT NOT NULL REFERENCES lessons(id),
          quiz_id TEXT NOT NULL REFERENCES quizzes(id),
          question_id TEXT NOT NULL,
          student_id TEXT NOT NULL REFERENCES students(id),
          choice INTEGER NOT NULL,
          correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
          seconds INTEGER NOT NULL,
          hlc TEXT NOT NULL,
          device_id TEXT NOT NULL
        );
        CREATE INDEX practice_attempts_classroom ON practice_attempts (classroom_id, student_id);
        -- The key never leaves the hub before closes_at: classrooms get the paper only (exam.put without it).
        CREATE TABLE exams (
          id TEXT PRIMARY KEY,
          lesson_id TEXT NOT NULL REFERENCES lessons(id),
          paper TEXT NOT NULL,            -- JSON protocol ExamPaper
          answer_key TEXT NOT NULL,       -- JSON array of choice indexes
          opens_at TEXT NOT NULL,
          closes_at TEXT NOT NULL
        );
        -- One locked submission per student and exam.
        CREATE TABLE exam_submissions (
          exam_id TEXT NOT NULL REFERENCES exams(id),
          student_id TEXT NOT NULL REFERENCES students(id),
          classroom_id TEXT NOT NULL REFERENCES classrooms(id),
          answers TEXT NOT NULL,          -- JSON array, null for a blank
          seconds INTEGER NOT NULL,
          hlc TEXT NOT NULL,
          device_id TEXT NOT NULL,
          PRIMARY KEY (exam_id, student_id)
        );
        -- Which classrooms got the key and scores, and for how many submissions (a late upload releases again).
        CREATE TABLE exam_releases (
          exam_id TEXT NOT NULL REFERENCES exams(id),
          classroom_id TEXT NOT NULL REFERENCES classrooms(id),
          submissions INTEGER NOT NULL,
          PRIMARY KEY (exam_id, classroom_id)
        );`,
};
