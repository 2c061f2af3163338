// Partial chunks in IndexedDB (schema version 4): the bytes of a chunk received before the app stopped, appended as
// parts while the chunk downloads. Only a chunk's contiguous prefix is ever saved, and a part only counts if it
// continues the one before, so what is read back is always bytes start…n of the chunk, never a gap.
import Dexie from 'dexie';
import type { AppDb } from './app-db.ts';
import { putVerifiedChunk } from './content-repo.ts';

export type NewPart = { sha256: string; index: number; offset: number; bytes: Uint8Array };

const partsOf = (db: AppDb, sha256: string, index: number) =>
  db.chunkParts.where('[sha256+index+offset]').between([sha256, index, Dexie.minKey], [sha256, index, Dexie.maxKey], true, true);

/** Saves parts of several chunks in one transaction (one write per checkpoint, however many ranges are in flight). */
export async function saveParts(db: AppDb, parts: NewPart[]): Promise<void> {
  if (parts.length === 0) return;
  const rows = parts.map((p) => ({ sha256: p.sha256, index: p.index, offset: p.offset, data: new Blob([p.bytes as Uint8Array<ArrayBuffer>]) }));
  await db.chunkParts.bulkPut(rows);
}

/** For each chunk of a file with saved parts: its contiguous prefix (parts after a gap are ignored). */
export async function heldPrefixes(db: AppDb, sha256: string): Promise<Map<number, Uint8Array>> {
  const rows = await db.chunkParts.where('sha256').equals(sha256).toArray();
  rows.sort((a, b) => a.index - b.index || a.offset - b.offset);
  const pieces = new Map<number, Blob[]>();
  const ends = new Map<number, number>();
  for (const row of rows) {
    const end = ends.get(row.index) ?? 0;
    if (row.offset !== end) continue;
    pieces.set(row.index, [...(pieces.get(row.index) ?? []), row.data]);
    ends.set(row.index, end + row.data.size);
  }
  const out = new Map<number, Uint8Array>();
  for (const [index, blobs] of pieces) out.set(index, new Uint8Array(await new Blob(blobs).arrayBuffer()));
  return out;
}

/** Stores a verified chunk and drops its parts in one transaction: a crash keeps the parts or the chunk, never neither. */
export async function storeAssembledChunk(db: AppDb, sha256: string, index: number, data: Blob): Promise<void> {
  await db.transaction('rw', db.contentChunks, db.contentFiles, db.chunkParts, async () => {
    await putVerifiedChunk(db, sha256, index, data);
    await partsOf(db, sha256, index).delete();
  });
}

/** Forget what was held of a chunk (its bytes did not verify) or of a whole file. */
export async function dropParts(db: AppDb, sha256: string, index?: number): Promise<void> {
  if (index === undefined) await db.chunkParts.where('sha256').equals(sha256).delete();
  else await partsOf(db, sha256, index).delete();
}
