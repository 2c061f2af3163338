// Eviction in IndexedDB: the chosen packs' bytes go, files shared with a kept pack stay, and evicted files are not
// queued again by themselves (until a teacher asks for them).
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PackListing } from '../../shared/content-protocol.ts';
import { openAppDb, type AppDb } from './app-db.ts';
import { evictionCandidates, evictPacks, putVerifiedChunk, requeueFile, savePackListings, setFileState } from './content-repo.ts';

const hex = (c: string) => c.repeat(64);
const file = (c: string) => ({ path: `${c}.mp4`, size: 20_000, mime: 'video/mp4', sha256: hex(c), chunkSize: 16_384, chunks: [hex('0'), hex('1')] });
const listing = (id: string, files: ReturnType<typeof file>[], lessonIds: string[]): PackListing => ({
  manifest: { protocol: 1, id, kind: 'preview', title: id, createdAt: '2026-11-25T00:00:00Z', files },
  lessonIds,
});

let db: AppDb;
beforeEach(async () => {
  db = openAppDb(`evict-test-${crypto.randomUUID()}`);
  await savePackListings(db, [listing('old', [file('a'), file('s')], ['l-old']), listing('next', [file('s')], ['l-next'])]);
  for (const c of ['a', 's']) {
    await putVerifiedChunk(db, hex(c), 0, new Blob([new Uint8Array(16_384)]));
    await putVerifiedChunk(db, hex(c), 1, new Blob([new Uint8Array(3_616)]));
    await setFileState(db, hex(c), 'complete');
  }
});
afterEach(async () => {
  await db.delete();
});

describe('evictPacks', () => {
  it('deletes the pack’s own files, keeps files a kept pack shares, and leaves them out of the download queue', async () => {
    expect(await evictPacks(db, ['old'])).toEqual([hex('a')]);
    expect(await db.contentChunks.where('sha256').equals(hex('a')).count()).toBe(0);
    expect(await db.contentChunks.where('sha256').equals(hex('s')).count()).toBe(2);
    expect((await db.contentFiles.get(hex('a')))?.state).toBe('evicted');
    expect(await db.contentFiles.where('state').anyOf('queued', 'failed').count()).toBe(0);
    await requeueFile(db, hex('a'));
    expect((await db.contentFiles.get(hex('a')))?.state).toBe('queued');
  });

  it('describes stored packs for the policy with their stored bytes', async () => {
    const packs = await evictionCandidates(db);
    expect(packs.find((p) => p.id === 'old')?.files).toEqual([
      { sha256: hex('a'), bytes: 20_000 },
      { sha256: hex('s'), bytes: 20_000 },
    ]);
  });
});
