// Migration 17 (联合教研 feedback withdrawal) on its own: feedback stored before it stays, not withdrawn; the new
// columns take a time and an existing account only.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './migrations.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('hub migration 17: feedback withdrawal', () => {
  it('keeps the feedback stored before it, not withdrawn, and names who withdrew by an existing account', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-db-'));
    dirs.push(dir);
    const db = new Database(join(dir, 'hub.sqlite'));
    db.pragma('foreign_keys = ON');
    migrate(db, 16);
    db.exec(`INSERT INTO alliances VALUES ('a', '联盟'); INSERT INTO schools VALUES ('s', 'a', '引领学校', 'lead');
             INSERT INTO classrooms (id, school_id, name) VALUES ('c1', 's', '一班');
             INSERT INTO courses (id, lead_school_id, subject, teacher_name) VALUES ('crs', 's', '数学', '王老师');
             INSERT INTO lessons (id, course_id, title, starts_at, ends_at, mode) VALUES ('l1', 'crs', '通分', '2026-09-01T08:00:00+08:00', '2026-09-01T08:45:00+08:00', 'live');
             INSERT INTO staff_accounts (id, username, display_name, role, password_hash, created_at) VALUES ('u1', 'lead', '王老师', 'lead', 'h', 't');
             INSERT INTO note_feedback (id, note_id, lesson_id, classroom_id, account_id, kind, text, created_at) VALUES ('f1', 'n1', 'l1', 'c1', 'u1', 'reply', '很好', 't')`);
    expect(migrate(db, 17)).toEqual([17]);
    expect(schemaVersion(db)).toBe(17);
    expect(db.prepare(`SELECT id, text, withdrawn_at, withdrawn_by FROM note_feedback`).all()).toEqual([{ id: 'f1', text: '很好', withdrawn_at: null, withdrawn_by: null }]);
    const withdraw = db.prepare(`UPDATE note_feedback SET withdrawn_at = 'now', withdrawn_by = ? WHERE id = 'f1'`);
    expect(() => withdraw.run('nobody')).toThrow(/FOREIGN KEY/);
    expect(withdraw.run('u1').changes).toBe(1);
    expect(db.prepare(`SELECT withdrawn_at, withdrawn_by FROM note_feedback`).get()).toEqual({ withdrawn_at: 'now', withdrawn_by: 'u1' });
    db.close();
  });
});
