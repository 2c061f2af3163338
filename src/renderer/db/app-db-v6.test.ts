// Dexie schema version 6 (联合教研 feedback) on its own: an upgrade from version 5 keeps the notes, and a pulled
// note.feedback change lands in the new table, found by lesson and by note; an old-style page with it still applies.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import type { NoteFeedback } from '../../shared/protocol.ts';
import { applyPull } from '../sync/apply-pull.ts';
import { openAppDb, schemaVersions, type AppDb } from './app-db.ts';

const opened: Dexie[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.delete();
});

const feedback: NoteFeedback = {
  id: 'fb_1',
  noteId: 'note-1',
  lessonId: 'les-1',
  kind: 'reply',
  text: '这个停顿点很好',
  author: '王晓峰',
  createdAt: '2026-11-25T02:00:00.000Z',
  note: { classroom: '七年级(1)班', school: '昭觉县民族中学', anchor: { kind: 'time', seconds: 750 }, text: '12:30 暂停', pause: true },
};

describe('app database schema version 6 (note feedback)', () => {
  it('declares the feedback table by id, lesson and note', () => {
    expect(schemaVersions.find((v) => v.version === 6)?.stores).toEqual({ noteFeedback: 'id, lessonId, noteId' });
  });

  it('upgrades a version-5 database in place, keeping its notes; pulled feedback is stored and found by lesson', async () => {
    const name = `v6-test-${crypto.randomUUID()}`;
    const v5 = new Dexie(name);
    opened.push(v5);
    for (const { version, stores } of schemaVersions.filter((v) => v.version <= 5)) v5.version(version).stores(stores);
    await v5.table('notes').put({ noteId: 'note-1', lessonId: 'les-1', current: {}, known: [], conflicts: [] });
    v5.close();
    const db: AppDb = openAppDb(name);
    opened.push(db);
    await db.open();
    expect(await db.notes.count()).toBe(1);
    const result = await applyPull(db, { protocol: 1, cursor: 7, hasMore: false, serverTime: '2026-11-25T02:00:00.000Z', changes: [{ type: 'note.feedback', feedback }, { type: 'note.feedback', feedback: { ...feedback, kind: 'like' } }] });
    expect(result.applied).toBe(1);
    expect(result.skipped).toHaveLength(1); // a damaged one is skipped, the page applies
    expect(await db.noteFeedback.where('lessonId').equals('les-1').toArray()).toEqual([feedback]);
    expect(await db.noteFeedback.where('noteId').equals('note-1').count()).toBe(1);
  });
});
