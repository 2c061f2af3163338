// Dexie schema version 4 (partial chunks) on its own: an upgrade from version 3 keeps content, and the parts table
// gives back each chunk's contiguous prefix, drops parts after a gap, and loses its parts when the chunk is stored.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { openAppDb, schemaVersions, type AppDb } from './app-db.ts';
import { dropParts, heldPrefixes, saveParts, storeAssembledChunk } from './chunk-parts-repo.ts';

const opened: Dexie[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.delete();
});
const bytes = (...values: number[]) => Uint8Array.from(values);
const open = async (name = `v4-test-${crypto.randomUUID()}`) => {
  const db: AppDb = openAppDb(name);
  opened.push(db);
  await db.open();
  return db;
};

describe('app database schema version 4 (partial chunks)', () => {
  it('declares the parts table keyed by file, chunk and offset', () => {
    expect(schemaVersions.find((v) => v.version === 4)?.stores).toEqual({ chunkParts: '[sha256+index+offset], sha256' });
  });

  it('upgrades a version-3 database in place, keeping its stored chunks', async () => {
    const name = `v4-test-${crypto.randomUUID()}`;
    const v3 = new Dexie(name);
    opened.push(v3);
    for (const { version, stores } of schemaVersions.filter((v) => v.version <= 3)) v3.version(version).stores(stores);
    await v3.table('contentChunks').put({ sha256: 'a', index: 0, data: new Blob(['x']) });
    v3.close();
    const db = await open(name);
    expect(await db.contentChunks.count()).toBe(1);
    expect(await db.chunkParts.count()).toBe(0);
  });

  it('gives back each chunk’s contiguous prefix, ignoring parts after a gap', async () => {
    const db = await open();
    await saveParts(db, [
      { sha256: 'a', index: 2, offset: 0, bytes: bytes(1, 2) },
      { sha256: 'a', index: 2, offset: 2, bytes: bytes(3) },
      { sha256: 'a', index: 2, offset: 5, bytes: bytes(9, 9) }, // after a gap: not trusted as a prefix
      { sha256: 'a', index: 4, offset: 1, bytes: bytes(7) }, // no start: nothing
      { sha256: 'b', index: 0, offset: 0, bytes: bytes(5) },
    ]);
    const held = await heldPrefixes(db, 'a');
    expect([...held.entries()]).toEqual([[2, bytes(1, 2, 3)]]);
  });

  it('storing the verified chunk drops its parts in the same transaction; dropParts forgets a chunk or a file', async () => {
    const db = await open();
    await db.contentFiles.put({ sha256: 'a', size: 6, mime: 'video/mp4', chunkSize: 3, chunks: ['x', 'y'], state: 'queued', doneBytes: 0 });
    await saveParts(db, [
      { sha256: 'a', index: 0, offset: 0, bytes: bytes(1, 2) },
      { sha256: 'a', index: 1, offset: 0, bytes: bytes(4) },
    ]);
    await storeAssembledChunk(db, 'a', 0, new Blob([bytes(1, 2, 3)]));
    expect(await db.chunkParts.where('sha256').equals('a').count()).toBe(1);
    expect((await db.contentFiles.get('a'))?.doneBytes).toBe(3);
    await dropParts(db, 'a', 1);
    expect(await db.chunkParts.count()).toBe(0);
    await saveParts(db, [{ sha256: 'a', index: 1, offset: 0, bytes: bytes(4) }]);
    await dropParts(db, 'a');
    expect(await db.chunkParts.count()).toBe(0);
  });
});
