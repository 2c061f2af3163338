import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { latestSchemaVersion, migrate, migrations, schemaVersion } from './migrations.ts';
import { openSqliteFile } from './open-database.ts';

const dirs: string[] = [];
function tempFile() {
  const dir = mkdtempSync(join(tmpdir(), 'hub-db-'));
  dirs.push(dir);
  return join(dir, 'hub.sqlite');
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const tables = (db: Database.Database) =>
  (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);

/** Opens a fresh database migrated up to (and including) `version`. */
function atVersion(version: number) {
  const db = new Database(tempFile());
  db.pragma('foreign_keys = ON');
  migrate(db, version);
  return db;
}

function seedOrg(db: Database.Database) {
  db.prepare(`INSERT INTO alliances VALUES ('a', '联盟')`).run();
  db.prepare(`INSERT INTO schools VALUES ('lead', 'a', '引领学校', 'lead')`).run();
  db.prepare(`INSERT INTO schools VALUES ('rcv', 'a', '接收学校', 'receiving')`).run();
  db.prepare(`INSERT INTO classrooms VALUES ('c1', 'rcv', '七年级(1)班', '七年级')`).run();
}

describe('hub migrations', () => {
  it('are numbered 1..n without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it('1: organisation tables with school kind and unique roster numbers enforced', () => {
    const db = atVersion(1);
    expect(tables(db)).toEqual(expect.arrayContaining(['alliances', 'schools', 'classrooms', 'students']));
    seedOrg(db);
    expect(() => db.prepare(`INSERT INTO schools VALUES ('x', 'a', 'x', 'other')`).run()).toThrow(/CHECK/);
    db.prepare(`INSERT INTO students VALUES ('s1', 'c1', '张三', 1)`).run();
    expect(() => db.prepare(`INSERT INTO students VALUES ('s2', 'c1', '李四', 1)`).run()).toThrow(/UNIQUE/);
    expect(() => db.prepare(`INSERT INTO students VALUES ('s3', 'nope', '王五', 2)`).run()).toThrow(/FOREIGN KEY/);
  });

  it('2: devices need a unique token hash; enrollment codes belong to a classroom', () => {
    const db = atVersion(2);
    seedOrg(db);
    const insertDevice = db.prepare(`INSERT INTO devices (id, classroom_id, name, token_hash, enrolled_at) VALUES (?, 'c1', 'pc', ?, 'now')`);
    insertDevice.run('d1', 'h1');
    expect(() => insertDevice.run('d2', 'h1')).toThrow(/UNIQUE/);
    db.prepare(`INSERT INTO enrollment_codes (code, classroom_id, expires_at, created_at) VALUES ('C1', 'c1', 'later', 'now')`).run();
    expect(db.prepare(`SELECT uses, max_uses FROM enrollment_codes`).get()).toEqual({ uses: 0, max_uses: null });
  });

  it('3: a lesson can be received by several classrooms and its audience goes with it', () => {
    const db = atVersion(3);
    seedOrg(db);
    db.prepare(`INSERT INTO classrooms VALUES ('c2', 'rcv', '七年级(2)班', '七年级')`).run();
    db.prepare(`INSERT INTO courses VALUES ('math', 'lead', '数学', '王老师')`).run();
    db.prepare(`INSERT INTO lessons VALUES ('l1', 'math', '分数', '2026-11-25T08:00:00+08:00', '2026-11-25T08:45:00+08:00', 'live')`).run();
    db.prepare(`INSERT INTO lesson_audience VALUES ('l1', 'c1'), ('l1', 'c2')`).run();
    expect(() => db.prepare(`INSERT INTO lessons VALUES ('l2', 'math', 'x', 'a', 'b', 'tv')`).run()).toThrow(/CHECK/);
    db.prepare(`DELETE FROM lessons WHERE id = 'l1'`).run();
    expect(db.prepare(`SELECT count(*) AS n FROM lesson_audience`).get()).toEqual({ n: 0 });
  });

  it('4: change sequence numbers are never reused, even after the newest row is deleted', () => {
    const db = atVersion(4);
    seedOrg(db);
    const add = db.prepare(`INSERT INTO changes (classroom_id, payload, created_at) VALUES ('c1', '{}', 'now')`);
    add.run();
    const second = add.run().lastInsertRowid;
    db.prepare(`DELETE FROM changes WHERE seq = ?`).run(second);
    expect(Number(add.run().lastInsertRowid)).toBeGreaterThan(Number(second));
  });

  it('5: an op id is applied once; attendance is one row per lesson and student; note versions keep both sides', () => {
    const db = atVersion(5);
    seedOrg(db);
    db.prepare(`INSERT INTO students VALUES ('s1', 'c1', '张三', 1)`).run();
    db.prepare(`INSERT INTO devices (id, classroom_id, name, token_hash, enrolled_at) VALUES ('d1', 'c1', 'pc', 'h', 'now')`).run();
    db.prepare(`INSERT INTO courses VALUES ('math', 'lead', '数学', '王老师')`).run();
    db.prepare(`INSERT INTO lessons VALUES ('l1', 'math', '分数', 'a', 'b', 'live')`).run();
    const op = db.prepare(`INSERT INTO applied_ops VALUES (?, 'd1', 1, 'attendance.set', 'now')`);
    op.run('op-1');
    expect(() => op.run('op-1')).toThrow(/UNIQUE/);
    const mark = db.prepare(`INSERT INTO attendance VALUES ('l1', 's1', ?, ?, 'd1')`);
    mark.run('absent', 'h1');
    expect(() => mark.run('late', 'h2')).toThrow(/UNIQUE/);
    expect(() => db.prepare(`INSERT INTO attendance VALUES ('l1', 's1', 'asleep', 'h3', 'd1')`).run()).toThrow();
    const version = db.prepare(`INSERT INTO note_versions VALUES ('n1', ?, 'base', '[]', 'l1', 'c1', '{}', ?, 0, 0, 'd1')`);
    version.run('h-a', '甲');
    version.run('h-b', '乙');
    expect(db.prepare(`SELECT count(*) AS n FROM note_versions WHERE note_id = 'n1'`).get()).toEqual({ n: 2 });
  });

  it('openDatabase brings a new file to the latest version and a reopen applies nothing', () => {
    const file = tempFile();
    const db = openSqliteFile(file);
    expect(schemaVersion(db)).toBe(latestSchemaVersion);
    db.close();
    const again = new Database(file);
    expect(migrate(again)).toEqual([]);
    again.close();
  });

  it('upgrades an older database in place, keeping its rows', () => {
    const file = tempFile();
    const old = new Database(file);
    migrate(old, 1);
    seedOrg(old);
    old.close();
    const db = openSqliteFile(file);
    expect(schemaVersion(db)).toBe(latestSchemaVersion);
    expect(db.prepare(`SELECT name FROM classrooms`).all()).toEqual([{ name: '七年级(1)班' }]);
  });
});
