// Migration 7 (pack signatures) on its own: packs stored before it keep their manifest and get a NULL signature, which
// the hub fills in at its next start; new packs store theirs.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './migrations.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('hub migration 7: pack signatures', () => {
  it('adds a nullable signature to packs, keeping packs stored before it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-db-'));
    dirs.push(dir);
    const db = new Database(join(dir, 'hub.sqlite'));
    migrate(db, 6);
    db.prepare(`INSERT INTO packs VALUES ('old', 'preview', '预习包', '{"id":"old"}', '2026-01-01T00:00:00Z')`).run();
    expect(migrate(db, 7)).toEqual([7]);
    expect(schemaVersion(db)).toBe(7);
    expect(db.prepare(`SELECT id, manifest, signature FROM packs`).all()).toEqual([{ id: 'old', manifest: '{"id":"old"}', signature: null }]);
    db.prepare(`INSERT INTO packs (id, kind, title, manifest, created_at, signature) VALUES ('new', 'recording', '录像', '{}', 'now', 'sig')`).run();
    expect(db.prepare(`SELECT signature FROM packs WHERE id = 'new'`).get()).toEqual({ signature: 'sig' });
    db.close();
  });
});
