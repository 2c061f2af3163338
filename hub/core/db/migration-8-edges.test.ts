// Migration 8 (school edges) on its own: a hub with data before it gains empty edge tables that refuse an edge of an
// unknown school and a second edge with the same token.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './migrations.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('hub migration 8: school edges', () => {
  it('adds edges and edge codes tied to schools, keeping what was stored before', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-db-'));
    dirs.push(dir);
    const db = new Database(join(dir, 'hub.sqlite'));
    db.pragma('foreign_keys = ON');
    migrate(db, 7);
    db.exec(`INSERT INTO alliances VALUES ('a', '联盟'); INSERT INTO schools VALUES ('s', 'a', '昭觉', 'receiving');`);
    expect(migrate(db, 8)).toEqual([8]);
    expect(schemaVersion(db)).toBe(8);
    expect(db.prepare(`SELECT id FROM schools`).all()).toEqual([{ id: 's' }]);
    db.prepare(`INSERT INTO edge_codes (code, school_id, expires_at, created_at) VALUES ('C', 's', 'later', 'now')`).run();
    db.prepare(`INSERT INTO edges (id, school_id, name, token_hash, enrolled_at) VALUES ('e1', 's', '机房', 'h1', 'now')`).run();
    expect(() => db.prepare(`INSERT INTO edges (id, school_id, name, token_hash, enrolled_at) VALUES ('e2', 's', 'x', 'h1', 'now')`).run()).toThrow(/UNIQUE/);
    expect(() => db.prepare(`INSERT INTO edges (id, school_id, name, token_hash, enrolled_at) VALUES ('e3', 'nope', 'x', 'h3', 'now')`).run()).toThrow(/FOREIGN KEY/);
    expect(db.prepare(`SELECT used_at FROM edge_codes`).get()).toEqual({ used_at: null });
    db.close();
  });
});
