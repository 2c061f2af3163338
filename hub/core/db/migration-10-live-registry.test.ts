// Migration 10 (the live registry shared by hub nodes) on its own: a hub with data before it gains empty node and
// router tables, keyed by node id and router id, and keeps what was stored.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './migrations.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('hub migration 10: live registry', () => {
  it('adds hub_nodes and live_routers, keyed by node and router, keeping what was stored before', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-db-'));
    dirs.push(dir);
    const db = new Database(join(dir, 'hub.sqlite'));
    migrate(db, 9);
    db.exec(`INSERT INTO alliances VALUES ('a', '联盟')`);
    expect(migrate(db, 10)).toEqual([10]);
    expect(schemaVersion(db)).toBe(10);
    expect(db.prepare(`SELECT id FROM alliances`).all()).toEqual([{ id: 'a' }]);
    expect(db.prepare(`SELECT count(*) AS n FROM live_routers`).get()).toEqual({ n: 0 });
    db.prepare(`INSERT INTO hub_nodes VALUES ('node-a', 'http://10.0.0.1:8787', 1)`).run();
    expect(() => db.prepare(`INSERT INTO hub_nodes VALUES ('node-a', 'http://10.0.0.2:8787', 2)`).run()).toThrow(/UNIQUE/);
    const router = db.prepare(`INSERT INTO live_routers VALUES (?, 'L1', 'node-a', 0, 1, ?, 0, 1)`);
    router.run('r1', 'origin');
    expect(() => router.run('r1', 'fanout')).toThrow(/UNIQUE/);
    expect(() => router.run('r2', 'mirror')).toThrow(/CHECK/);
    db.close();
  });
});
