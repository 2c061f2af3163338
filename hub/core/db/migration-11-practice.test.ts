// Migration 11 (students' practice and 考核) on its own: a hub with data before it gains the four tables, empty, and
// keeps what was stored; a student submits an exam once, and a practice attempt is right or wrong, nothing else.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './migrations.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('hub migration 11: practice and exams', () => {
  it('adds practice_attempts, exams, exam_submissions and exam_releases, keeping what was stored before', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-db-'));
    dirs.push(dir);
    const db = new Database(join(dir, 'hub.sqlite'));
    db.pragma('foreign_keys = ON');
    migrate(db, 10);
    db.exec(`INSERT INTO alliances VALUES ('a', '联盟');
      INSERT INTO schools VALUES ('s', 'a', '学校', 'receiving'); INSERT INTO classrooms VALUES ('c', 's', '七一班', '7');
      INSERT INTO students VALUES ('st', 'c', '阿依', 1); INSERT INTO schools VALUES ('l', 'a', '领军', 'lead');
      INSERT INTO courses VALUES ('co', 'l', '数学', '王'); INSERT INTO lessons VALUES ('le', 'co', '课', '2026-12-01T00:00:00Z', '2026-12-01T01:00:00Z', 'recorded');
      INSERT INTO quizzes VALUES ('qz', 'le', '{}');`);
    expect(migrate(db, 11)).toEqual([11]);
    expect(schemaVersion(db)).toBe(11);
    expect(db.prepare(`SELECT id FROM students`).all()).toEqual([{ id: 'st' }]);
    for (const table of ['practice_attempts', 'exams', 'exam_submissions', 'exam_releases']) {
      expect(db.prepare(`SELECT count(*) AS n FROM ${table}`).get()).toEqual({ n: 0 });
    }
    const attempt = db.prepare(`INSERT INTO practice_attempts VALUES (?, 'c', 'le', 'qz', 'q1', 'st', 1, ?, 3, 'h', 'd')`);
    attempt.run('op1', 1);
    expect(() => attempt.run('op2', 2)).toThrow(/CHECK/);
    expect(() => attempt.run('op1', 0)).toThrow(/UNIQUE/);
    db.exec(`INSERT INTO exams VALUES ('ex', 'le', '{}', '[1]', '2026-12-01T00:00:00.000Z', '2026-12-01T01:00:00.000Z')`);
    const submit = db.prepare(`INSERT INTO exam_submissions VALUES ('ex', ?, 'c', '[1]', 60, 'h', 'd')`);
    submit.run('st');
    expect(() => submit.run('st')).toThrow(/UNIQUE/);
    expect(() => submit.run('nobody')).toThrow(/FOREIGN KEY/);
    db.close();
  });
});
