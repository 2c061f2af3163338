// Dexie schema version 3 (offline content) on its own: upgrade from version 1 keeps data, the new tables have the keys
// the download manager relies on.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { openAppDb, schemaVersions, type AppDb } from './app-db.ts';

const opened: Dexie[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.delete();
});

describe('app database schema version 3 (content)', () => {
  it('declares the content tables with their keys and indexes', () => {
    expect(schemaVersions.find((v) => v.version === 3)?.stores).toEqual({
      packs: 'id, lastUsedAt',
      lessonPacks: '[lessonId+packId], lessonId, packId',
      contentFiles: 'sha256, state',
      contentChunks: '[sha256+index], sha256',
      playback: 'key, updatedAt',
    });
  });

  it('upgrades a version-1 database in place, keeping its lessons', async () => {
    const name = `v3-test-${crypto.randomUUID()}`;
    const v1 = new Dexie(name);
    opened.push(v1);
    v1.version(1).stores(schemaVersions[0]?.stores ?? {});
    await v1.table('meta').put({ key: 'pullCursor', value: 3 });
    v1.close();

    const db: AppDb = openAppDb(name);
    opened.push(db);
    await db.open();
    expect(await db.meta.get('pullCursor')).toEqual({ key: 'pullCursor', value: 3 });
    await db.contentChunks.put({ sha256: 'a', index: 2, data: new Blob(['x']) });
    await db.contentChunks.put({ sha256: 'a', index: 0, data: new Blob(['y']) });
    expect(await db.contentChunks.where('sha256').equals('a').primaryKeys()).toEqual([
      ['a', 0],
      ['a', 2],
    ]);
    await db.lessonPacks.put({ lessonId: 'l1', packId: 'p1' });
    expect(await db.lessonPacks.where('packId').equals('p1').count()).toBe(1);
  });
});
