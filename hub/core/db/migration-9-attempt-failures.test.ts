// Migration 9 (failed-attempt counters shared by hub nodes) on its own: a hub with data before it gains an empty
// counter table keyed by limit and key, and keeps what was stored.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './migrations.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('hub migration 9: failed-attempt counters', () => {
  it('adds one counter row per limit and key, keeping what was stored before', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-db-'));
    dirs.push(dir);
    const db = new Database(join(dir, 'hub.sqlite'));
    migrate(db, 8);
    db.exec(`INSERT INTO alliances VALUES ('a', '联盟')`);
    expect(migrate(db, 9)).toEqual([9]);
    expect(schemaVersion(db)).toBe(9);
    expect(db.prepare(`SELECT id FROM alliances`).all()).toEqual([{ id: 'a' }]);
    expect(db.prepare(`SELECT count(*) AS n FROM attempt_failures`).get()).toEqual({ n: 0 });
    db.prepare(`INSERT INTO attempt_failures VALUES ('enrollPerAddress', '10.0.0.1', 1796000000000, 1)`).run();
    expect(() => db.prepare(`INSERT INTO attempt_failures VALUES ('enrollPerAddress', '10.0.0.1', 1, 1)`).run()).toThrow(/UNIQUE/);
    db.close();
  });
});
