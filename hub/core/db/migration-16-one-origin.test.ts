// Migration 16 on its own, on SQLite: origin rows a split lesson left are narrowed to the most recently updated one,
// fan-out rows stay, and a second origin for a lesson is refused from then on.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './migrations.ts';

describe('hub migration 16: one origin per lesson', () => {
  it('keeps the newest origin of a split lesson and refuses a second one after', () => {
    const db = new Database(':memory:');
    migrate(db, 15);
    const router = db.prepare(`INSERT INTO live_routers VALUES (?, ?, ?, 0, 1, ?, 0, ?)`);
    router.run('r-old', 'L1', 'node-a', 'origin', 100);
    router.run('r-new', 'L1', 'node-b', 'origin', 200);
    router.run('r-fan', 'L1', 'node-a', 'fanout', 50);
    router.run('r-l2', 'L2', 'node-a', 'origin', 10);
    expect(migrate(db, 16)).toEqual([16]);
    expect(schemaVersion(db)).toBe(16);
    expect(db.prepare(`SELECT router_id FROM live_routers ORDER BY router_id`).all()).toEqual([{ router_id: 'r-fan' }, { router_id: 'r-l2' }, { router_id: 'r-new' }]);
    expect(() => router.run('r-second', 'L1', 'node-a', 'origin', 300)).toThrow(/UNIQUE/);
    router.run('r-fan-2', 'L1', 'node-c', 'fanout', 300);
    expect(db.prepare(`SELECT count(*) AS n FROM live_routers WHERE lesson_id = 'L1'`).get()).toEqual({ n: 3 });
    db.close();
  });
});
