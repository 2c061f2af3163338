// Migration 12 (staff accounts and sessions, 联合教研 feedback) on its own: a hub with data before it gains the empty
// tables with their keys and checks, and keeps what was stored.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './migrations.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('hub migration 12: staff accounts, sessions, note feedback', () => {
  it('adds the tables with their constraints, keeping what was stored before', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-db-'));
    dirs.push(dir);
    const db = new Database(join(dir, 'hub.sqlite'));
    db.pragma('foreign_keys = ON');
    migrate(db, 11);
    db.exec(`INSERT INTO alliances VALUES ('a', '联盟'); INSERT INTO schools VALUES ('s', 'a', '接收学校', 'receiving')`);
    expect(migrate(db, 12)).toEqual([12]);
    expect(schemaVersion(db)).toBe(12);
    expect(db.prepare(`SELECT id FROM schools`).all()).toEqual([{ id: 's' }]);
    const account = db.prepare(`INSERT INTO staff_accounts (id, username, display_name, role, school_id, password_hash, created_at) VALUES (?, ?, 'x', ?, ?, 'h', 't')`);
    account.run('u1', 'head', 'head', 's');
    expect(() => account.run('u2', 'head', 'county', null)).toThrow(/UNIQUE/);
    expect(() => account.run('u3', 'h2', 'head', null)).toThrow(/CHECK/); // a head without a school
    expect(() => account.run('u4', 'c2', 'county', 's')).toThrow(/CHECK/); // a school on a non-head
    expect(() => account.run('u5', 'x', 'root', null)).toThrow(/CHECK/);
    expect(() => db.prepare(`INSERT INTO staff_sessions VALUES ('h', 'nobody', 'c', 't', 't')`).run()).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare(`INSERT INTO note_feedback VALUES ('f', 'n', 'l', 'c', 'u1', 'like', '', 't')`).run()).toThrow(/CHECK|FOREIGN KEY/);
    db.close();
  });
});
