// Migration 14 (applied_ops lean) on its own, on SQLite: the (device, seq) index is gone, the op ids already claimed
// stay claimed (a replayed op is still refused by the primary key).
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './migrations.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('hub migration 14: applied_ops lean', () => {
  it('drops the device index and keeps every claimed op id unique', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-db-'));
    dirs.push(dir);
    const db = new Database(join(dir, 'hub.sqlite'));
    db.pragma('foreign_keys = ON');
    migrate(db, 13);
    db.exec(`INSERT INTO alliances VALUES ('a', '联盟'); INSERT INTO schools VALUES ('s', 'a', '接收学校', 'receiving');
             INSERT INTO classrooms (id, school_id, name) VALUES ('c1', 's', '一班')`);
    db.prepare(`INSERT INTO devices (id, classroom_id, name, token_hash, enrolled_at) VALUES ('d1', 'c1', 'pc', 'h', 'now')`).run();
    db.prepare(`INSERT INTO applied_ops VALUES ('op-1', 'd1', 1, 'attendance.set', 'now')`).run();
    const indexes = () => (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'applied_ops'`).all() as { name: string }[]).map((r) => r.name);
    expect(indexes()).toContain('applied_ops_device');
    expect(migrate(db, 14)).toEqual([14]);
    expect(schemaVersion(db)).toBe(14);
    expect(indexes()).not.toContain('applied_ops_device');
    expect(() => db.prepare(`INSERT INTO applied_ops VALUES ('op-1', 'd1', 2, 'attendance.set', 'later')`).run()).toThrow(/UNIQUE|PRIMARY/);
    expect(db.prepare(`SELECT count(*) AS n FROM applied_ops`).get()).toEqual({ n: 1 });
    db.close();
  });
});
