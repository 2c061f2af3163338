// Migration 13 (report aggregates) on its own: a hub with classroom records before it gains the aggregate tables
// empty, with every (lesson, classroom) pair it already holds marked, so its first report recomputes them all.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './migrations.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('hub migration 13: report aggregates', () => {
  it('marks every pair an existing hub holds and adds the empty aggregate tables with their keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-db-'));
    dirs.push(dir);
    const db = new Database(join(dir, 'hub.sqlite'));
    db.pragma('foreign_keys = ON');
    migrate(db, 12);
    db.exec(`INSERT INTO alliances VALUES ('a', '联盟'); INSERT INTO schools VALUES ('s', 'a', '接收学校', 'receiving');
             INSERT INTO classrooms (id, school_id, name) VALUES ('c1', 's', '一班'), ('c2', 's', '二班');
             INSERT INTO courses VALUES ('k', 's', '数学', '王老师');
             INSERT INTO lessons (id, course_id, title, starts_at, ends_at, mode) VALUES ('l1', 'k', '第1课', '2026-09-07T08:00:00+08:00', '2026-09-07T08:45:00+08:00', 'recorded');
             INSERT INTO lesson_audience (lesson_id, classroom_id) VALUES ('l1', 'c1'), ('l1', 'c2')`);
    expect(migrate(db, 13)).toEqual([13]);
    expect(schemaVersion(db)).toBe(13);
    expect(db.prepare(`SELECT lesson_id, classroom_id FROM report_dirty ORDER BY classroom_id`).all()).toEqual([
      { lesson_id: 'l1', classroom_id: 'c1' },
      { lesson_id: 'l1', classroom_id: 'c2' },
    ]);
    expect(db.prepare(`SELECT count(*) AS n FROM report_class_lesson`).get()).toEqual({ n: 0 });
    // The recomputation's indexes cover what it reads, with migration 12's leading columns kept.
    const columns = (index: string) => (db.prepare(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`).all(index) as { name: string }[]).map((c) => c.name);
    expect(columns('quiz_answers_classroom')).toEqual(['classroom_id', 'lesson_id', 'quiz_id', 'question_id', 'student_id', 'hlc', 'correct', 'total']);
    expect(columns('attendance_student')).toEqual(['student_id', 'lesson_id', 'status']);
    const question = db.prepare(`INSERT INTO report_question VALUES ('l1', 'c1', 'quiz', 'q1', ?, 0)`);
    question.run(1);
    expect(() => question.run(2)).toThrow(/UNIQUE|PRIMARY/);
    expect(() => db.prepare(`INSERT INTO report_dirty VALUES ('l1', 'c1', 'again')`).run()).toThrow(/UNIQUE|PRIMARY/);
    db.close();
  });
});
