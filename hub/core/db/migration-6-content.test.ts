// Migration 6 (content) on its own: packs hold their manifest, files reference stored blobs, and attachments go when
// the lesson or the pack goes.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from './migrations.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function atVersion6() {
  const dir = mkdtempSync(join(tmpdir(), 'hub-db-'));
  dirs.push(dir);
  const db = new Database(join(dir, 'hub.sqlite'));
  db.pragma('foreign_keys = ON');
  migrate(db, 6);
  db.exec(`
    INSERT INTO alliances VALUES ('a', '联盟');
    INSERT INTO schools VALUES ('lead', 'a', '引领学校', 'lead');
    INSERT INTO courses VALUES ('math', 'lead', '数学', '王老师');
    INSERT INTO lessons VALUES ('l1', 'math', '分数', '2026-11-25T08:00:00+08:00', '2026-11-25T08:45:00+08:00', 'recorded');`);
  return db;
}

describe('hub migration 6: content', () => {
  it('stores packs with kind checked and files referencing stored blobs', () => {
    const db = atVersion6();
    db.prepare(`INSERT INTO content_blobs VALUES (?, 10, 'now')`).run('a'.repeat(64));
    db.prepare(`INSERT INTO packs VALUES ('p1', 'preview', '预习包', '{}', 'now')`).run();
    db.prepare(`INSERT INTO pack_files VALUES ('p1', ?)`).run('a'.repeat(64));
    expect(() => db.prepare(`INSERT INTO pack_files VALUES ('p1', ?)`).run('b'.repeat(64))).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare(`INSERT INTO packs VALUES ('p2', 'game', 'x', '{}', 'now')`).run()).toThrow(/CHECK/);
  });

  it('drops a lesson’s attachments with the lesson and a pack’s files with the pack', () => {
    const db = atVersion6();
    db.prepare(`INSERT INTO content_blobs VALUES (?, 10, 'now')`).run('a'.repeat(64));
    db.prepare(`INSERT INTO packs VALUES ('p1', 'recording', '录播', '{}', 'now')`).run();
    db.prepare(`INSERT INTO pack_files VALUES ('p1', ?)`).run('a'.repeat(64));
    db.prepare(`INSERT INTO lesson_packs VALUES ('l1', 'p1')`).run();
    db.prepare(`DELETE FROM lessons WHERE id = 'l1'`).run();
    expect(db.prepare(`SELECT count(*) AS n FROM lesson_packs`).get()).toEqual({ n: 0 });
    db.prepare(`DELETE FROM packs WHERE id = 'p1'`).run();
    expect(db.prepare(`SELECT count(*) AS n FROM pack_files`).get()).toEqual({ n: 0 });
    expect(db.prepare(`SELECT count(*) AS n FROM content_blobs`).get()).toEqual({ n: 1 }); // blobs may be shared
  });
});
